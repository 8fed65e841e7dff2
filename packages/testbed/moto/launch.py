"""Run the testbed's fake AWS: moto's server, in-process, on 127.0.0.1 and a free port.

Usage: python launch.py SPEC.json   (with the venv made by ../scripts/ensure-venv.sh)

SPEC.json describes the EKS clusters to pre-create:

    {"clusters": [{"name": "kubeship-test", "region": "us-east-1",
                   "endpoint": "https://127.0.0.1:6443",
                   "certificateAuthorityData": "<base64 PEM>",
                   "accountId": "123456789012"}]}

Each cluster is created through the EKS API of the running server, then patched in
moto's backend so that DescribeCluster returns exactly the given endpoint and CA data,
with status ACTIVE. "accountId" is optional (moto's default is 123456789012); all
clusters must share one, and every request to the server is then served from that
account (moto's MOTO_ACCOUNT_ID), whatever credentials the client uses.

Once ready, prints exactly one line "READY <port>" to stdout, then serves until SIGTERM
or SIGINT, stops the server and exits 0 (2 for a bad spec, 1 if setup fails). Everything
else is logged to stderr.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.eks.models import eks_backends
from moto.server import ThreadedMotoServer

HOST = "127.0.0.1"
ROLE_ARN_TEMPLATE = "arn:aws:iam::{account_id}:role/kubeship-testbed-eks-cluster"
VPC_CONFIG = {
    "subnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    "securityGroupIds": ["sg-0a1b2c3d4e5f60001"],
    "endpointPublicAccess": True,
    "endpointPrivateAccess": False,
}

log = logging.getLogger("kubeship.moto")


class SpecError(Exception):
    """The spec file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class ClusterSpec:
    """One EKS cluster to pre-create."""

    name: str
    region: str
    endpoint: str
    certificate_authority_data: str
    account_id: str | None


def _required_str(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise SpecError(f"{where}: '{key}' must be a non-empty string")
    return value


def parse_cluster(entry: Any, where: str) -> ClusterSpec:
    """Validate one entry of spec["clusters"]."""
    if not isinstance(entry, dict):
        raise SpecError(f"{where}: must be an object")
    account_id = entry.get("accountId")
    if account_id is not None and not (
        isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()
    ):
        raise SpecError(f"{where}: 'accountId' must be a 12-digit string")
    return ClusterSpec(
        name=_required_str(entry, "name", where),
        region=_required_str(entry, "region", where),
        endpoint=_required_str(entry, "endpoint", where),
        certificate_authority_data=_required_str(
            entry, "certificateAuthorityData", where
        ),
        account_id=account_id,
    )


def load_spec(path: str) -> list[ClusterSpec]:
    """Read and validate the JSON spec at path."""
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
    except (OSError, ValueError) as e:
        raise SpecError(f"cannot read spec {path}: {e}") from e
    clusters = spec.get("clusters", []) if isinstance(spec, dict) else None
    if not isinstance(clusters, list):
        raise SpecError(f"{path}: expected an object with a 'clusters' array")
    parsed = [
        parse_cluster(c, f"{path}: clusters[{i}]") for i, c in enumerate(clusters)
    ]
    seen: set[tuple[str, str]] = set()
    for c in parsed:
        if (c.region, c.name) in seen:
            raise SpecError(f"{path}: cluster '{c.name}' appears twice in {c.region}")
        seen.add((c.region, c.name))
    return parsed


def account_for(clusters: list[ClusterSpec]) -> str:
    """Return the one account all clusters live in (moto's default if none is named)."""
    accounts = {c.account_id for c in clusters if c.account_id}
    if len(accounts) > 1:
        raise SpecError(
            f"clusters name different accountIds {sorted(accounts)}; use one"
        )
    return accounts.pop() if accounts else DEFAULT_ACCOUNT_ID


def quiet_moto_logging() -> None:
    """Keep werkzeug's per-request lines (and moto's chatter) out of the logs."""
    for name in ("werkzeug", "moto", "botocore", "boto3", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)


def start_server() -> tuple[ThreadedMotoServer, int]:
    """Start moto in a thread on HOST and a kernel-chosen port; return it and port."""
    # port=0: werkzeug's make_server binds an ephemeral port, read back from the socket
    # (get_host_and_port returns server_address). verbose=False keeps stdout clean.
    server = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    return server, port


def eks_client(port: int, region: str) -> Any:
    """Return a boto3 EKS client for the in-process server."""
    return boto3.client(
        "eks",
        region_name=region,
        endpoint_url=f"http://{HOST}:{port}",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or "testing",
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or "testing",
        aws_session_token=os.environ.get("AWS_SESSION_TOKEN") or None,
    )


def create_cluster(port: int, account_id: str, cluster: ClusterSpec) -> None:
    """Create the cluster through the EKS API, then pin endpoint, CA and status."""
    eks_client(port, cluster.region).create_cluster(
        name=cluster.name,
        roleArn=ROLE_ARN_TEMPLATE.format(account_id=account_id),
        resourcesVpcConfig=VPC_CONFIG,
    )
    # moto's Cluster invents a random endpoint and CA; DescribeCluster serialises the
    # model's attributes (endpoint, certificate_authority, status) as they are.
    model = eks_backends[account_id][cluster.region].clusters[cluster.name]
    model.endpoint = cluster.endpoint
    model.certificate_authority = {"data": cluster.certificate_authority_data}
    model.status = "ACTIVE"
    log.info("cluster %s (%s) -> %s", cluster.name, cluster.region, cluster.endpoint)


def verify_cluster(port: int, cluster: ClusterSpec) -> None:
    """Check through the API that DescribeCluster returns what the spec asked for."""
    got = eks_client(port, cluster.region).describe_cluster(name=cluster.name)[
        "cluster"
    ]
    want = {
        "endpoint": cluster.endpoint,
        "certificateAuthority": {"data": cluster.certificate_authority_data},
        "status": "ACTIVE",
    }
    wrong = {k: got.get(k) for k, v in want.items() if got.get(k) != v}
    if wrong:
        raise RuntimeError(
            f"DescribeCluster {cluster.name} returned {wrong}, expected {want}"
        )


def wait_for_stop_signal() -> int:
    """Block until SIGTERM or SIGINT; return the signal number."""
    received: list[int] = []
    stop = threading.Event()

    def handler(signum: int, _frame: Any) -> None:
        received.append(signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    while not stop.wait(timeout=1.0):
        pass
    return received[0]


def main(argv: list[str]) -> int:
    """Start moto with the spec's clusters, print READY <port>, serve until a signal."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="[moto-launch] %(message)s"
    )
    quiet_moto_logging()
    if len(argv) != 2:
        log.error("usage: %s SPEC.json", argv[0])
        return 2
    try:
        clusters = load_spec(argv[1])
        account_id = account_for(clusters)
    except SpecError as e:
        log.error("%s", e)
        return 2
    # Every request (ours and the clients') is served from this account.
    os.environ["MOTO_ACCOUNT_ID"] = account_id

    server, port = start_server()
    try:
        for cluster in clusters:
            create_cluster(port, account_id, cluster)
            verify_cluster(port, cluster)
        print(f"READY {port}", flush=True)
        log.info("moto %s listening on %s:%d", version("moto"), HOST, port)
        signum = wait_for_stop_signal()
        log.info("received %s, stopping", signal.Signals(signum).name)
        return 0
    except Exception as e:  # noqa: BLE001 - report any setup failure plainly, then stop
        log.error("setup failed: %s: %s", type(e).__name__, e)
        return 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
