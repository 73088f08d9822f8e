"""Python peers for the OpenNebula decode benchmark (run in the same session as bench.mjs).

mode "lxml-pool": lxml.etree.fromstring on the pool document + walk (ID, NAME, STATE, LCM_STATE,
TEMPLATE/NIC/IP). mode "pyone-envelope": pyone's path without its generateDS objects (the lower
bound of docs/reference/PERFORMANCE.md): xmlrpc.client decodes the envelope, lxml parses the pool, and each VM's
TEMPLATE and USER_TEMPLATE become dicts through xmltodict, as pyone's TemplatedType does.
mode "pyone-real-envelope": pyone itself (PyPI `pyone`): xmlrpc.client decodes the envelope and
pyone.bindings.parseString builds its generateDS objects, as OneServer does for every answer.
Prints one JSON line: seconds, CPU seconds, peak RSS (MiB), VMs and IPs walked.
"""
import json
import resource
import sys
import time
import xmlrpc.client

from lxml import etree


def walk(root):
    vms = ips = 0
    for vm in root.iterchildren("VM"):
        vm.findtext("ID"), vm.findtext("NAME"), vm.findtext("STATE"), vm.findtext("LCM_STATE")
        vms += 1
        for nic in vm.iterfind("TEMPLATE/NIC"):
            if nic.findtext("IP"):
                ips += 1
    return vms, ips


def walk_pyone(root):
    import xmltodict

    vms = ips = 0
    for vm in root.iterchildren("VM"):
        vm.findtext("ID"), vm.findtext("NAME"), vm.findtext("STATE"), vm.findtext("LCM_STATE")
        template = xmltodict.parse(etree.tostring(vm.find("TEMPLATE")))["TEMPLATE"]
        xmltodict.parse(etree.tostring(vm.find("USER_TEMPLATE")))
        vms += 1
        nics = template.get("NIC") or []
        for nic in nics if isinstance(nics, list) else [nics]:
            if nic.get("IP"):
                ips += 1
    return vms, ips


def walk_pyone_real(pool):
    vms = ips = 0
    for vm in pool.VM:
        vm.ID, vm.NAME, vm.STATE, vm.LCM_STATE
        vms += 1
        nics = vm.TEMPLATE.get("NIC") or []
        for nic in nics if isinstance(nics, list) else [nics]:
            if nic.get("IP"):
                ips += 1
    return vms, ips


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    if mode == "pyone-real-envelope":
        from pyone import bindings  # imported before the clock starts, as our packages are
    t0 = time.perf_counter()
    c0 = time.process_time()
    if mode == "lxml-pool":
        vms, ips = walk(etree.fromstring(data))
    elif mode == "pyone-envelope":
        (result,), _ = xmlrpc.client.loads(data)
        ok, body = result[0], result[1]
        assert ok
        vms, ips = walk_pyone(etree.fromstring(body.encode("utf-8")))
    elif mode == "pyone-real-envelope":
        (result,), _ = xmlrpc.client.loads(data)
        ok, body = result[0], result[1]
        assert ok
        vms, ips = walk_pyone_real(bindings.parseString(body.encode("utf-8")))
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "rssMiB": rss, "vms": vms, "ips": ips}))


main()
