"""Run the local identity provider: `python -m mutasi.cli.idp --port 8090 [--issuer URL]`."""

from __future__ import annotations

import argparse

import uvicorn

from mutasi.cli.idp.app import create_idp
from mutasi.cli.idp.users import demo_users


def main() -> None:
    parser = argparse.ArgumentParser(description="Mutasi local OpenID Connect provider (demo users)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--issuer", default=None, help="public base URL; default http://<host>:<port>")
    parser.add_argument("--token-ttl", type=int, default=900, help="access token lifetime in seconds")
    parser.add_argument(
        "--agencies", default="", help="more agencies with the demo staff, comma-separated (the province bench)"
    )
    args = parser.parse_args()
    issuer = args.issuer or f"http://{args.host}:{args.port}"
    users = demo_users(tuple(a for a in args.agencies.split(",") if a))
    app = create_idp(issuer, token_ttl_s=args.token_ttl, users=users)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
