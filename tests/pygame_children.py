"""Fresh Python processes for pygame.midi tests: pygame.midi cannot close a device, so a device that mido's pygame
ports used stays open for the rest of the process, and process-wide set-up (pygame.midi.quit(), the banner) is
tested where it starts from nothing. Children inherit the ALSA sequencer stand-in and run outside the checkout."""
import json
import os
import subprocess
import sys

import child_process

# pygame.midi needs no display or sound device; SDL must not look for one.
SDL_DUMMY = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}

# What mido_child() runs first: mido's pygame backend and a bounded receive that gives message bytes.
MIDO_PREAMBLE = """
import json, time
import mido
from mido.backends import pygame as mido_pygame
LOOP = "Midi Through Port-0"

def mido_receive_all(port, count, timeout=5.0):
    received = []
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        message = port.poll()
        if message is None:
            time.sleep(0.001)
        else:
            received.append(message.bytes())
    return received
"""


def run_python(code, **env):
    """Run code in a fresh interpreter with this environment (less the banner and backend choices), SDL's dummy
    drivers and env; return the CompletedProcess."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYGAME_HIDE_SUPPORT_PROMPT", "MIDOX_BACKEND", "MIDO_BACKEND")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=child_process.NEUTRAL_CWD,
                          env=dict(environment, **SDL_DUMMY, **env), timeout=120)


def mido_child(body, **env):
    """Run MIDO_PREAMBLE + body in a fresh process; return the JSON it printed last."""
    result = run_python(MIDO_PREAMBLE + body, PYGAME_HIDE_SUPPORT_PROMPT="1", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.splitlines()[-1])
