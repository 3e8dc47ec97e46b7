"""`python -m api`: the API server, as `./mizan up` and a container run it.

Proxy headers (`X-Forwarded-For`, `X-Forwarded-Proto`) are believed only from the addresses in
`MIZAN_TRUSTED_PROXIES` (the load balancer's); with none set they are ignored, so a client cannot name its
own address in the audit log or slip past the verification rate limit.
"""

from __future__ import annotations

import uvicorn

from config.settings import get_settings


def main() -> None:
    settings = get_settings()
    trusted = settings.trusted_proxy_list
    uvicorn.run("api.main:app", host=settings.host, port=settings.api_port, proxy_headers=bool(trusted),
                forwarded_allow_ips=",".join(trusted) if trusted else None, server_header=False)


if __name__ == "__main__":
    main()
