"""FastAPI: the REST API (OpenAPI). Keycloak tokens are checked here."""
