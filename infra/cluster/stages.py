"""The cluster profile's services in start order (the services of a stage start together)."""

from __future__ import annotations

from config.settings import Settings
from infra.service import Service


def cluster_stages(settings: Settings) -> list[list[Service]]:
    from infra.cluster.keycloak import KeycloakProductionService
    from infra.cluster.mizan import ClusterApi, ClusterWorker, LoadBalancer
    from infra.cluster.opensearch import OpenSearchNode
    from infra.cluster.postgres import PostgresService
    from infra.cluster.profile import API_PROCESSES, OPENSEARCH_NODES, WORKER_PROCESSES
    from infra.cluster.temporal import TemporalServerService, TemporalUiService
    from infra.mizan_services import MailSinkService

    # the three search nodes start together: the first election needs two of them
    first: list[Service] = [PostgresService(settings),
                            *(OpenSearchNode(settings, n) for n in range(1, OPENSEARCH_NODES + 1))]
    if settings.mail_sink:
        # on one machine there is no ministry relay: the sink stands in for it (production: mail_sink off,
        # smtp_host the relay; README "Production")
        first.append(MailSinkService(settings))
    return [
        first,
        # both need their databases, made once PostgreSQL answers
        [TemporalServerService(settings), KeycloakProductionService(settings)],
        # the first worker alone: at its start it builds the case index when there is none (from the read model)
        [TemporalUiService(settings), ClusterWorker(settings, 1),
         *(ClusterApi(settings, n) for n in range(1, API_PROCESSES + 1))],
        [*(ClusterWorker(settings, n) for n in range(2, WORKER_PROCESSES + 1)), LoadBalancer(settings)],
    ]
