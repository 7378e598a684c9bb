#!/usr/bin/env python3
"""PDF downloads at once: signs in to a running `trygg serve` (a `trygg demo` database), sends N
downloads of /evaluate/report/2025/pdf at the same time and reports each answer, the most
Chromium printers running at once and the peak PSS of all their processes.

Usage: python3 .ci/pdf_load.py http://127.0.0.1:3000 EMAIL PASSWORD N
"""
import os, re, subprocess, sys, threading, time, urllib.request, urllib.parse, http.cookiejar
base = sys.argv[1]; email = sys.argv[2]; pw = sys.argv[3]; n = int(sys.argv[4])
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
page = op.open(base + "/login").read().decode()
csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
try:
    op.open(base + "/login", urllib.parse.urlencode({"email": email, "password": pw, "_csrf": csrf}).encode())
except urllib.error.HTTPError as e:
    assert e.code == 303, e.code
def pss(pid):
    try:
        for l in open(f"/proc/{pid}/smaps_rollup"):
            if l.startswith("Pss:"): return int(l.split()[1])
    except Exception: return 0
    return 0
stop = False; peak = [0, 0]
def sample():
    while not stop:
        total = 0; browsers = 0
        for p in os.listdir("/proc"):
            if not p.isdigit(): continue
            try: cmd = open(f"/proc/{p}/cmdline","rb").read().decode(errors="ignore")
            except Exception: continue
            if "trygg-pdf-" in cmd:
                total += pss(p)
                if "--print-to-pdf=" in cmd and "--type=" not in cmd: browsers += 1
        peak[0] = max(peak[0], total); peak[1] = max(peak[1], browsers)
        time.sleep(0.05)
t = threading.Thread(target=sample); t.start()
results = []
def get():
    t0 = time.time()
    try:
        r = op.open(base + "/evaluate/report/2025/pdf"); body = r.read(); results.append((r.status, None, round(time.time()-t0,1)))
    except urllib.error.HTTPError as e:
        results.append((e.code, e.headers.get("Retry-After"), round(time.time()-t0,1)))
t0 = time.time()
ths = [threading.Thread(target=get) for _ in range(n)]
[x.start() for x in ths]; [x.join() for x in ths]
stop = True; t.join()
print(f"{n} parallel downloads in {time.time()-t0:.1f} s: {sorted(results)}")
print(f"peak Chromium print processes: {peak[1]}, peak PSS of all their processes: {peak[0]/1024:.0f} MB")
