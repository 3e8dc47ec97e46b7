"""The production shape on one machine (`./mizan up --cluster`): PostgreSQL for the read model, Temporal and
Keycloak; the real Temporal server and its UI; Keycloak in production mode with TLS; OpenSearch as three nodes;
two APIs and two workers behind HAProxy, which terminates TLS. Its own state directory and ports, apart from
the default (`./mizan up`) and the test profile (`./mizan test`)."""
