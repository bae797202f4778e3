"""Pure rules of eventhub: no framework, no database, no I/O, no hidden clock."""
