"""Services: each method is one read or one write transaction over `Database`."""
