"""A load with nothing to do with cart_abandon, to calibrate the impact measurement: busy for
`busy` seconds, asleep for `idle` seconds, for `duration` seconds in all.
Usage: cpu_bursts.py busy idle duration"""
import sys
import time

busy, idle, duration = (float(a) for a in sys.argv[1:4])
end = time.monotonic() + duration
while time.monotonic() < end:
    burst_end = time.monotonic() + busy
    while time.monotonic() < burst_end:
        pass
    time.sleep(idle)
