"""A Python test suite that starts the homelab-kit emulator image with testcontainers (PyPI) and
drives it with pyone (OpenNebula's own Python binding) and requests (the Ceph dashboard REST API
and the emulator's control API). Run by .ci/suites/docker.sh; see packages/emulator/container/README.md.

    pip install testcontainers pytest pyone requests
    pytest test_emulator_pytest.py

Where testcontainers' Ryuk image cannot be pulled (no registry), set TESTCONTAINERS_RYUK_DISABLED=true:
the `with` block below still removes the container, whatever the tests do.
"""
import os
import time

import pyone
import pytest
import requests
from testcontainers.core.container import DockerContainer

IMAGE = os.environ.get("HOMELAB_EMULATOR_IMAGE", "homelab-kit/emulator:0.0.0")
# The image's fixed ports: control API, Ceph dashboard, OpenNebula XML-RPC, then one iLO per host.
CONTROL, CEPH, ONE, FIRST_ILO = 8080, 8081, 8082, 8083
TOKEN = "pytest-control-token-0123456789"
CEPH_PASSWORD = "pytest-ceph-password"
CEPH_JSON = {"Accept": "application/vnd.ceph.api.v1.0+json"}


@pytest.fixture(scope="module")
def emulator():
    container = (
        DockerContainer(IMAGE)
        .with_env("HOMELAB_EMULATOR_TOKEN", TOKEN)
        .with_env("HOMELAB_EMULATOR_SPEED", "60")
        .with_env("HOMELAB_EMULATOR_CEPH_PASSWORD", CEPH_PASSWORD)
    )
    for port in (CONTROL, CEPH, ONE, FIRST_ILO):
        container.ports[f"{port}/tcp"] = ("127.0.0.1", None)  # publish on loopback only, any free port
    with container:
        url = {port: "http://127.0.0.1:%s" % container.get_exposed_port(port) for port in (CONTROL, CEPH, ONE)}
        deadline = time.monotonic() + 60
        while True:  # ready when the open health route answers
            try:
                if requests.get(url[CONTROL] + "/_emulator/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the emulator did not answer: %r" % (container.get_logs(),))
            time.sleep(0.1)
        yield {
            "control": url[CONTROL],
            "ceph": url[CEPH],
            "opennebula": url[ONE] + "/RPC2",
            "ilo_node1": "https://127.0.0.1:%s" % container.get_exposed_port(FIRST_ILO),
            "container": container,
        }


def control(emulator, method, path, body=None):
    return requests.request(method, emulator["control"] + path, json=body,
                            headers={"Authorization": "Bearer " + TOKEN}, timeout=10)


def ceph_session(emulator, password=CEPH_PASSWORD):
    session = requests.Session()
    session.headers.update(CEPH_JSON)
    login = session.post(emulator["ceph"] + "/api/auth", json={"username": "admin", "password": password}, timeout=10)
    if login.ok:
        session.headers["Authorization"] = "Bearer " + login.json()["token"]
    return session, login


def test_health_names_the_topology(emulator):
    health = requests.get(emulator["control"] + "/_emulator/health", timeout=10).json()
    assert health["topology"] == "reference"
    assert [h["name"] for h in health["hosts"]] == ["node1", "node2", "node3"]


def test_published_on_loopback_only(emulator):
    ports = emulator["container"].get_wrapped_container().attrs["NetworkSettings"]["Ports"]
    bindings = [b for port in ("8080/tcp", "8081/tcp", "8082/tcp", "8083/tcp") for b in ports[port]]
    assert {b["HostIp"] for b in bindings} == {"127.0.0.1"}


def test_opennebula_with_pyone(emulator):
    one = pyone.OneServer(emulator["opennebula"], session="oneadmin:opennebula")
    assert [h.NAME for h in one.hostpool.info().HOST] == ["node1", "node2", "node3"]
    vm_names = sorted(vm.NAME for vm in one.vmpool.info(-2, -1, -1, -1).VM)
    assert vm_names == ["mysql", "prometheus"]


def test_ceph_credentials_come_from_the_environment(emulator):
    _, refused = ceph_session(emulator, password="Adm1n-Passw0rd!")  # the topology's default
    assert refused.status_code == 400
    session, login = ceph_session(emulator)
    assert login.ok
    pools = session.get(emulator["ceph"] + "/api/pool", timeout=10)
    assert pools.ok and isinstance(pools.json(), list)


def test_injected_fault_answers_once(emulator):
    session, _ = ceph_session(emulator)
    added = control(emulator, "POST", "/_emulator/faults",
                    {"api": "ceph", "operation": "GET /api/pool", "status": 503, "count": 1})
    assert added.status_code == 201
    assert session.get(emulator["ceph"] + "/api/pool", timeout=10).status_code == 503
    assert session.get(emulator["ceph"] + "/api/pool", timeout=10).status_code == 200
    assert control(emulator, "GET", "/_emulator/faults").json() == []


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_ilo_ribcl_over_https(emulator):
    script = ('<?xml version="1.0"?><RIBCL VERSION="2.0"><LOGIN USER_LOGIN="Administrator" PASSWORD="emulator-ilo">'
              '<SERVER_INFO MODE="read"><GET_HOST_POWER_STATUS/></SERVER_INFO></LOGIN></RIBCL>')
    # The iLO certificates are self-signed (the emulator's CA is in its run dir); not verified here.
    answer = requests.post(emulator["ilo_node1"] + "/ribcl", data=script, verify=False, timeout=10)
    assert 'STATUS="0x0000"' in answer.text
    assert 'HOST_POWER="OFF"' in answer.text
