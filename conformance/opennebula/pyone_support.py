"""Helpers shared by the pyone checks (pyone_checks_<area>.py). pyone_peer.py runs as a script from
this directory, so it is on sys.path when pyone_peer loads the checks."""
import time


def as_list(v):
    """pyone's bindings give a single element as itself and several as a list: always a list."""
    return v if isinstance(v, list) else [v]


def refused(call, exc, text):
    """`call()` raises `exc` with `text` in its message."""
    try:
        call()
    except exc as e:
        if text not in str(e):
            raise AssertionError("expected %r in %r" % (text, str(e)))
        return
    raise AssertionError("accepted; expected %s %r" % (exc.__name__, text))


def until(what, probe, timeout=15.0):
    """Polls `probe()` every 50 ms until it answers something truthy and returns that. `what` names
    the wait in the timeout's message; a function for it is called then (to report the last state)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s" % (what() if callable(what) else what))


def wait_image(one, image_id, state, timeout=10.0):
    """The image's document once it is in `state`."""
    seen = []

    def probe():
        image = one.image.info(image_id)
        seen.append(image.STATE)
        return image if image.STATE == state else None

    return until(lambda: "image %d in state %d (stayed in %r)" % (image_id, state, seen[-1:]), probe, timeout)
