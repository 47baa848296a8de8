"""Domain services: every write goes through one of these modules, inside a transaction."""
