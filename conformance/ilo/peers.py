#!/usr/bin/python3
"""Real third-party iLO clients against the homelab-kit iLO emulator.

Usage: peers.py ENDPOINTS.json

ENDPOINTS.json is either the line conformance/ilo/serve.mjs prints (one emulated iLO per flavour,
each on its own server), or what `homelab-emulator up --json` prints (the path a user takes: every
BMC of a topology behind the emulator's BMC fleet; the topology needs a host of each generation,
e.g. conformance/topologies/mixed-ilo.yaml). Debian's python3-hpilo, python3-proliantutils,
python3-sushy and redfishtool drive each flavour: RIBCL against iLO 3, Redfish (and RIBCL where the
client speaks it) against iLO 4 and iLO 5. Every check reads the state back through the same
client. Prints the checks passed per peer; exits 1 if any check fails.
"""
import json
import os
import subprocess
import sys
import time
import traceback
import warnings

warnings.simplefilter("ignore")
# requests lets these override a Session-level verify (docs/reference/ilo/PROTOCOLS.md §3): never inherit them.
for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(name, None)

import hpilo  # noqa: E402
import requests  # noqa: E402
import sushy  # noqa: E402
from proliantutils import exception as pu_exception  # noqa: E402
from proliantutils.ilo import client as pu_client  # noqa: E402

USER, PASSWORD = "Administrator", "Adm1n&<secret"


def start_image_server():
    """A plain HTTP server for install images on loopback: proliantutils HEADs the image URL."""
    import http.server
    import threading

    class Images(http.server.BaseHTTPRequestHandler):
        def answer(self, with_body):
            ok = self.path.endswith(".iso") or self.path.endswith(".img")
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", "4096" if ok else "0")
            self.end_headers()
            if ok and with_body:
                self.wfile.write(bytes(4096))

        def do_HEAD(self):
            self.answer(False)

        def do_GET(self):
            self.answer(True)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Images)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return "http://127.0.0.1:%d" % server.server_address[1]


def from_up(up):
    """`homelab-emulator up --json` → {generation: {url, port, ca, username, password, host}}: the
    first host of each generation."""
    out = {"target": "homelab-emulator up (%s)" % ", ".join("%s %s" % (i["host"], i["generation"]) for i in up["ilo"])}
    for ilo in up["ilo"]:
        if ilo["generation"] in out:
            continue
        port = int(ilo["url"].rsplit(":", 1)[1].rstrip("/"))
        out[ilo["generation"]] = {"url": ilo["url"], "port": port, "ca": up["iloCaFile"], "host": ilo["host"],
                                  "username": ilo["username"], "password": ilo["password"]}
    missing = [g for g in ("ilo3", "ilo4", "ilo5") if g not in out]
    if missing:
        sys.exit("peers.py: the topology has no host with %s; use conformance/topologies/mixed-ilo.yaml" % ", ".join(missing))
    return out


cfg = json.load(open(sys.argv[1]))
if isinstance(cfg.get("ilo"), list):
    cfg = from_up(cfg)
cfg.setdefault("target", "per-adapter servers (conformance/ilo/serve.mjs)")
IMAGE = cfg.get("images", None) or start_image_server()
IMAGE += "/install.iso"
results = []


def creds(gen):
    """The login of this generation's BMC: what `up` printed, or the per-adapter servers' own."""
    return cfg[gen].get("username", USER), cfg[gen].get("password", PASSWORD)


def check(name, fn):
    try:
        fn()
        results.append((name, True, ""))
        print("PASS", name, flush=True)
    except Exception as e:  # report every failure, keep going
        results.append((name, False, repr(e)))
        print("FAIL", name, "-", repr(e), flush=True)
        traceback.print_exc()


def expect(actual, wanted, what):
    if actual != wanted:
        raise AssertionError("%s: expected %r, got %r" % (what, wanted, actual))


def poll(read, wanted, what, timeout=10.0):
    """Power changes lag the command on a real iLO (and on the emulator clock): poll with a deadline."""
    deadline = time.time() + timeout
    value = read()
    while value != wanted and time.time() < deadline:
        time.sleep(0.1)
        value = read()
    expect(value, wanted, what)


def expect_raises(exc_types, fn, what):
    try:
        fn()
    except exc_types:
        return
    raise AssertionError("%s: no error raised" % what)


# ---------------------------------------------------------------- python-hpilo (RIBCL)
def hpilo_suite(gen):
    port = cfg[gen]["port"]
    user, good_password = creds(gen)

    def ilo(password=good_password):
        return hpilo.Ilo("127.0.0.1", login=user, password=password, port=port, timeout=20)

    def power():
        i = ilo()
        i.set_host_power(False)
        poll(i.get_host_power_status, "OFF", "power after set_host_power(False)")
        i.set_host_power(True)
        poll(i.get_host_power_status, "ON", "power after set_host_power(True)")

    def boot():
        i = ilo()
        i.set_one_time_boot("cdrom")
        expect(i.get_one_time_boot(), "cdrom", "one-time boot")
        i.set_one_time_boot("normal")
        expect(i.get_one_time_boot(), "normal", "one-time boot reset")

    def media():
        i = ilo()
        i.insert_virtual_media("cdrom", IMAGE)
        i.set_vm_status("cdrom", "boot_once", True)
        st = i.get_vm_status("cdrom")
        expect((st["image_inserted"], st["image_url"], st["boot_option"]), ("YES", IMAGE, "BOOT_ONCE"), "vm status")
        i.eject_virtual_media("cdrom")
        expect(i.get_vm_status("cdrom")["image_inserted"], "NO", "vm after eject")

    def health():
        h = ilo().get_embedded_health()
        glance = h["health_at_a_glance"]
        expect(glance["fans"]["status"], "OK", "fans at a glance")
        if not h["temperature"] or not h["fans"]:
            raise AssertionError("no temperature or fan sensors")

    def firmware():
        fw = ilo().get_fw_version()
        expect(fw["management_processor"], {"ilo3": "iLO3", "ilo4": "iLO4", "ilo5": "iLO5"}[gen], "processor")
        if not fw["firmware_version"]:
            raise AssertionError("empty firmware version")

    def product():
        name = ilo().get_product_name()
        if not name.startswith("ProLiant"):
            raise AssertionError("product name %r" % name)

    def wrong_password():
        expect_raises(hpilo.IloLoginFailed, lambda: ilo("wrong-password").get_host_power_status(), "login")

    def buttons():
        i = ilo()
        i.press_pwr_btn()  # graceful: the OS shuts down after a while
        poll(i.get_host_power_status, "OFF", "power after press_pwr_btn")
        i.press_pwr_btn()
        poll(i.get_host_power_status, "ON", "power after a second press")
        i.hold_pwr_btn()
        poll(i.get_host_power_status, "OFF", "power after hold_pwr_btn")
        i.cold_boot_server()  # powers an off host on
        poll(i.get_host_power_status, "ON", "power after cold_boot_server")
        i.warm_boot_server()
        i.reset_server()
        expect(i.get_host_power_status(), "ON", "power after warm boot and reset")

    def uid_and_readings():
        i = ilo()
        i.uid_control(True)
        expect(i.get_uid_status(), "ON", "uid")
        i.uid_control(False)
        expect(i.get_uid_status(), "OFF", "uid")
        if i.get_power_readings()["present_power_reading"][0] <= 0:
            raise AssertionError("no power reading")

    def boot_order():
        i = ilo()
        i.set_persistent_boot(["network", "hdd"])
        expect(i.get_persistent_boot()[:2], ["network", "hdd"], "persistent boot order")

    def users():
        i = ilo()
        i.add_user("peer-test", "Peer Test", "peer-test-pw", admin_priv=False, reset_server_priv=True)
        expect("peer-test" in i.get_all_users(), True, "user listed")
        expect(i.get_user("peer-test")["reset_server_priv"], True, "reset privilege")
        expect_raises(hpilo.IloError, lambda: i.add_user("short", "Short", "abc"), "short password")
        i.delete_user("peer-test")
        expect("peer-test" in i.get_all_users(), False, "user deleted")

    def event_logs():
        # The logs follow what happened: a reset is in the iLO Event Log, python-hpilo's own logins
        # too; a clear leaves the clear's own entry (python-hpilo docs/output/get_ilo_event_log).
        i = ilo()
        i.warm_boot_server()
        iel = i.get_ilo_event_log()
        descriptions = [e["description"] for e in iel]
        if "Server reset." not in descriptions:
            raise AssertionError("no 'Server reset.' in the iLO Event Log: %r" % descriptions[-5:])
        reset = [e for e in iel if e["description"] == "Server reset."][-1]
        expect((reset["severity"], reset["class"]), ("Caution", "iLO %s" % gen[3:]), "reset entry")
        if not any(d.startswith("XML login: %s - " % user) for d in descriptions):
            raise AssertionError("no XML login entry: %r" % descriptions[-5:])
        i.clear_ilo_event_log()
        after = ilo().get_ilo_event_log()
        expect(after[0]["description"], "Event log cleared.", "first entry after a clear")
        i.clear_server_event_log()
        iml = ilo().get_server_event_log()
        expect([e["description"] for e in iml], ["IML Cleared (iLO %s user: %s)" % (gen[3:], user)], "IML after a clear")
        if gen != "ilo3":
            expect((iml[0]["event_class"], iml[0]["event_code"]), ("0x0021", "0x0001"), "IML class and code")

    def unsupported():
        # iLO answers unknown commands with a syntax error (docs/reference/ilo/ISSUES.md #6).
        expect_raises(hpilo.IloError, lambda: ilo().set_server_fqdn("x.example"), "unknown command")

    for name, fn in [("power off/on", power), ("one-time boot", boot), ("virtual media", media),
                     ("health", health), ("firmware", firmware), ("product name", product),
                     ("wrong password", wrong_password), ("power buttons and resets", buttons),
                     ("UID and power readings", uid_and_readings), ("persistent boot order", boot_order),
                     ("users", users), ("event logs", event_logs), ("unsupported command", unsupported)]:
        check("python-hpilo %s RIBCL: %s" % (gen, name), fn)


# ---------------------------------------------------------------- proliantutils
def proliantutils_suite(gen):
    port, ca = cfg[gen]["port"], cfg[gen]["ca"]
    user, good_password = creds(gen)

    def client(password=good_password):
        # IloClient caches instances by (host, user, password), ignoring the port: take the class
        # behind the cache, or iLO 4 on another port of 127.0.0.1 would get iLO 3's client.
        IloClient = pu_client.IloClient.cls
        if gen == "ilo5":
            # Its Redfish path ignores `port` and uses https://host: put host:port in host, port 0.
            return IloClient("127.0.0.1:%d" % port, user, password, port=0, cacert=ca)
        return IloClient("127.0.0.1", user, password, port=port, cacert=ca)

    via = "Redfish+RIBCL" if gen == "ilo5" else "RIBCL"

    def power():
        c = client()
        c.set_host_power("OFF")
        poll(c.get_host_power_status, "OFF", "power after OFF")
        c.set_host_power("ON")
        poll(c.get_host_power_status, "ON", "power after ON")

    def boot():
        c = client()
        c.set_one_time_boot("CDROM")
        expect(c.get_one_time_boot(), "CDROM", "one-time boot")

    def media():
        c = client()
        c.insert_virtual_media(IMAGE, device="CDROM")
        st = c.get_vm_status("CDROM")
        expect((st["IMAGE_INSERTED"], st["IMAGE_URL"]), ("YES", IMAGE), "vm status")
        c.eject_virtual_media("CDROM")
        expect(c.get_vm_status("CDROM")["IMAGE_INSERTED"], "NO", "vm after eject")

    def health():
        c = client()
        data = c.get_host_health_data()
        expect(c.get_host_health_at_a_glance(data)["FANS"]["STATUS"], "OK", "fans at a glance")
        if not c.get_host_health_temperature_sensors(data):
            raise AssertionError("no temperature sensors")

    def firmware():
        c = client()
        fw = c.ribcl._get_ilo_firmware_version(c.get_host_health_data())
        if not fw or not fw["ilo_firmware_version"]:
            raise AssertionError("no iLO firmware in health data: %r" % fw)

    def product():
        expected = {"ilo3": "G7", "ilo4": "Gen8", "ilo5": "Gen10"}[gen]
        name = client().get_product_name()
        if expected not in name:
            raise AssertionError("product name %r" % name)

    def wrong_password():
        expect_raises(pu_exception.IloError, lambda: client("wrong-password").get_host_power_status(), "login")

    def smart_storage():
        # proliantutils' Redfish system object walks Oem.Hpe.Links.SmartStorage (what ironic reads
        # for RAID and disk capabilities): array controllers, then their physical drives.
        controllers = client().redfish._get_sushy_system("1").smart_storage.array_controllers
        expect(len(controllers.members_identities), 1, "array controllers")
        drives = controllers.get_members()[0].physical_drives
        expect([d.location for d in drives.get_members()], ["1I:1:1", "1I:1:2"], "drive locations")
        expect((drives.has_rotational, drives.has_ssd), (True, False), "rotational drives")
        expect(drives.maximum_size_mib, 286102, "largest drive in MiB")

    checks = [("power off/on", power), ("one-time boot", boot), ("virtual media", media),
              ("health", health), ("firmware", firmware), ("product name", product),
              ("wrong password", wrong_password)]
    if gen == "ilo5":
        checks.append(("SmartStorage drives", smart_storage))
    for name, fn in checks:
        check("proliantutils %s %s: %s" % (gen, via, name), fn)


# ---------------------------------------------------------------- sushy (Redfish)
def sushy_suite(gen):
    port, ca = cfg[gen]["port"], cfg[gen]["ca"]
    base = "https://127.0.0.1:%d/redfish/v1" % port
    user, good_password = creds(gen)

    def connect(password=good_password):
        return sushy.Sushy(base, username=user, password=password, verify=ca)

    def power():
        s = connect()
        system = s.get_system("/redfish/v1/Systems/1")
        system.reset_system(sushy.RESET_FORCE_OFF)

        def state():
            system.refresh()
            return system.power_state

        poll(state, sushy.POWER_STATE_OFF, "PowerState after ForceOff")
        system.reset_system(sushy.RESET_ON)
        poll(state, sushy.POWER_STATE_ON, "PowerState after On")

    def boot():
        system = connect().get_system("/redfish/v1/Systems/1")
        system.set_system_boot_options(sushy.BOOT_SOURCE_TARGET_PXE, enabled=sushy.BOOT_SOURCE_ENABLED_ONCE)
        system.refresh()
        expect((system.boot.target, system.boot.enabled),
               (sushy.BOOT_SOURCE_TARGET_PXE, sushy.BOOT_SOURCE_ENABLED_ONCE), "boot override")

    def media():
        manager = connect().get_manager("/redfish/v1/Managers/1")
        vm = manager.virtual_media.get_member("/redfish/v1/Managers/1/VirtualMedia/2")
        vm.insert_media(IMAGE, inserted=True, write_protected=True)
        vm.refresh()
        expect((vm.image, vm.inserted), (IMAGE, True), "virtual media after insert")
        vm.eject_media()
        vm.refresh()
        expect((vm.image, vm.inserted), ("", False), "virtual media after eject")

    def health():
        s = connect()
        system = s.get_system("/redfish/v1/Systems/1")
        expect(system.status.health, sushy.Health.OK, "system health")
        chassis = s.get_chassis("/redfish/v1/Chassis/1")
        if not chassis.thermal.temperatures or chassis.thermal.temperatures[0].reading_celsius is None:
            raise AssertionError("no temperatures")
        if not chassis.power.power_supplies:
            raise AssertionError("no power supplies")

    def firmware():
        fw = connect().get_manager("/redfish/v1/Managers/1").firmware_version
        expect(fw.split(" v")[0], {"ilo4": "iLO 4", "ilo5": "iLO 5"}[gen], "firmware version prefix")

    def product():
        expected = {"ilo4": "Gen8", "ilo5": "Gen10"}[gen]
        if expected not in (connect().product or ""):
            raise AssertionError("product")

    def wrong_password():
        expect_raises((sushy.exceptions.AccessError, sushy.exceptions.ConnectionError),
                      lambda: connect("wrong-password").get_system("/redfish/v1/Systems/1"), "login")

    def button_and_reset_while_off():
        system = connect().get_system("/redfish/v1/Systems/1")

        def state():
            system.refresh()
            return system.power_state

        system.reset_system(sushy.RESET_PUSH_POWER_BUTTON)
        poll(state, sushy.POWER_STATE_OFF, "PowerState after PushPowerButton")
        # A reset while off is refused with InvalidOperationForSystemState, as real iLO does.
        expect_raises(sushy.exceptions.BadRequestError,
                      lambda: system.reset_system(sushy.RESET_FORCE_RESTART), "reset while off")
        system.reset_system(sushy.RESET_ON)
        poll(state, sushy.POWER_STATE_ON, "PowerState after On")

    def indicator_led():
        system = connect().get_system("/redfish/v1/Systems/1")
        system.set_indicator_led(sushy.IndicatorLED.LIT)
        system.refresh()
        expect(system.indicator_led, sushy.IndicatorLED.LIT, "indicator LED")
        system.set_indicator_led(sushy.IndicatorLED.OFF)

    def sessions_released():
        import gc
        s = connect()
        s.get_system("/redfish/v1/Systems/1")
        del s
        gc.collect()
        basic = requests.get(base + "/SessionService/Sessions/", auth=(user, good_password), verify=ca).json()
        expect(basic["Members"], [], "open sessions after sushy logged out")

    def storage_drives():
        # The DMTF Storage tree (iLO 5): one Smart Array, its drives with model and health.
        storages = connect().get_system("/redfish/v1/Systems/1").storage.get_members()
        expect(len(storages), 1, "storage controllers")
        drives = storages[0].drives
        expect([(d.model, d.status.health) for d in drives], [("EG0300FBVFL", sushy.Health.OK)] * 2, "drives")

    checks = [("power off/on", power), ("one-time boot", boot), ("virtual media", media),
              ("health", health), ("firmware", firmware), ("product name", product),
              ("wrong password", wrong_password), ("power button and reset while off", button_and_reset_while_off),
              ("indicator LED", indicator_led), ("session logged out", sessions_released)]
    if gen == "ilo5":
        checks.append(("storage drives", storage_drives))
    for name, fn in checks:
        check("sushy %s Redfish: %s" % (gen, name), fn)


def sushy_ilo3_has_no_redfish():
    base = "https://127.0.0.1:%d/redfish/v1" % cfg["ilo3"]["port"]
    user, password = creds("ilo3")
    expect_raises(sushy.exceptions.ResourceNotFoundError,
                  lambda: sushy.Sushy(base, username=user, password=password, verify=cfg["ilo3"]["ca"]),
                  "Redfish on iLO 3")


# ---------------------------------------------------------------- redfishtool (Redfish CLI)
def redfishtool_suite(gen):
    port = cfg[gen]["port"]
    user, good_password = creds(gen)

    def rt(*args, password=good_password, data=None):
        cmd = ["redfishtool", "-r", "127.0.0.1:%d" % port, "-u", user, "-p", password, "-S", "Always"]
        if data is not None:
            cmd += ["-d", json.dumps(data)]
        out = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        if out.returncode != 0:
            raise AssertionError("redfishtool %s exited %d: %s" % (" ".join(args), out.returncode, out.stderr.strip()))
        return json.loads(out.stdout) if out.stdout.strip().startswith("{") else out.stdout

    def prop(*path):
        return lambda: rt("Systems", "-I", "1", "get", "-P", path[0])[path[0]]

    def power():
        rt("Systems", "-I", "1", "reset", "ForceOff")
        poll(prop("PowerState"), "Off", "PowerState after ForceOff")
        rt("Systems", "-I", "1", "reset", "On")
        poll(prop("PowerState"), "On", "PowerState after On")

    def boot():
        rt("Systems", "-I", "1", "setBootOverride", "Once", "Hdd")
        b = rt("Systems", "-I", "1", "get", "-P", "Boot")["Boot"]
        expect((b["BootSourceOverrideEnabled"], b["BootSourceOverrideTarget"]), ("Once", "Hdd"), "boot override")

    def media():
        vm = "/redfish/v1/Managers/1/VirtualMedia/2/"
        if gen == "ilo5":
            rt("raw", "POST", vm + "Actions/VirtualMedia.InsertMedia/", data={"Image": IMAGE})
        else:  # iLO 4 has no standard action: PATCH Image, as proliantutils' RIS path does
            rt("raw", "PATCH", vm, data={"Image": IMAGE})
        body = rt("raw", "GET", vm)
        expect((body["Image"], body["Inserted"]), (IMAGE, True), "after insert")
        rt("raw", "PATCH", vm, data={"Image": None})
        body = rt("raw", "GET", vm)
        expect((body["Image"], body["Inserted"]), ("", False), "after eject")

    def health():
        thermal = rt("Chassis", "-I", "1", "Thermal")
        if not thermal["Temperatures"] or thermal["Fans"][0]["Status"]["Health"] != "OK":
            raise AssertionError("thermal")
        power_body = rt("Chassis", "-I", "1", "Power")
        if power_body["PowerControl"][0]["PowerConsumedWatts"] <= 0:
            raise AssertionError("power reading")
        expect(rt("Systems", "-I", "1", "get", "-P", "Status")["Status"]["Health"], "OK", "system health")

    def firmware():
        fw = rt("Managers", "-I", "1", "get", "-P", "FirmwareVersion")["FirmwareVersion"]
        expect(fw.split(" v")[0], {"ilo4": "iLO 4", "ilo5": "iLO 5"}[gen], "firmware")

    def product():
        if "ProLiant" not in rt("Systems", "-I", "1", "get", "-P", "Model")["Model"]:
            raise AssertionError("model")

    def wrong_password():
        expect_raises(AssertionError, lambda: rt("Systems", "-I", "1", "get", password="wrong-password"), "login")

    for name, fn in [("power off/on", power), ("one-time boot", boot), ("virtual media", media),
                     ("health", health), ("firmware", firmware), ("product name", product),
                     ("wrong password", wrong_password)]:
        check("redfishtool %s Redfish: %s" % (gen, name), fn)


for gen in ("ilo3", "ilo4", "ilo5"):
    hpilo_suite(gen)
    proliantutils_suite(gen)
for gen in ("ilo4", "ilo5"):
    sushy_suite(gen)
    redfishtool_suite(gen)
check("sushy ilo3: /redfish answers 404 as on a real iLO 3", sushy_ilo3_has_no_redfish)

failed = [r for r in results if not r[1]]
print("\nagainst %s:" % cfg["target"])
for peer in ("python-hpilo", "proliantutils", "sushy", "redfishtool"):
    mine = [r for r in results if r[0].startswith(peer + " ")]
    print("  %-14s %d/%d checks passed" % (peer, sum(1 for r in mine if r[1]), len(mine)))
print("%d checks, %d passed, %d failed" % (len(results), len(results) - len(failed), len(failed)))
for name, _, err in failed:
    print("  FAILED:", name, err)
sys.exit(1 if failed else 0)
