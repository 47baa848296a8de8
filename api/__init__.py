"""The Starlette application: configuration, lifespan, GraphQL over HTTP and websocket, health, CLI."""
