"""JSON API under /api: thin controllers over the services, msgspec schemas."""
