"""The newsbrief server under load: concurrent clients, mixed requests, the overload path.

    python -m benchmarks serve-load [--clients 16] [--requests 200] [--threads 2]

Starts `newsbrief serve` in its own process on a free loopback port (127.0.0.1 only) with a
private result cache, and sends REQUESTS requests from CLIENTS concurrent clients (httpx,
asyncio): detect (short texts in en/ms/km), briefs of an article already cached (into English,
and into Malay: its translation cached too), brief of an article never seen (uncached: detect +
summarize + figures), translate en->ms of short sentences (the embedded translator; each
sentence cold once, then from the cache) and of sentences never seen (model work every time:
what fills the CPU pool while the cached answers should not wait behind it). Reports
requests/s, p50/p95 latency per kind, every status code (5xx must be zero), and the server's
RSS during the run. Then the overload path: a second server with 1 thread and a queue of 2
gets CLIENTS uncached briefs at once; the ones beyond the queue must be answered 429 with
Retry-After, at once, and none may hang. Writes benchmarks/results/serve_load.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.signature import ROOT, signature

NAME = "serve-load"
EXAMPLE = (ROOT / "examples" / "scam-compounds-en.txt").read_text("utf-8")
# written for this benchmark
DETECT_TEXTS = [
    "Police in Cambodia and Malaysia will share information on online scam networks.",
    "Kerajaan Malaysia akan memperketat kawalan sempadan bagi membanteras sindiket penipuan dalam talian.",
    "ប៉ូលីសកម្ពុជា និងម៉ាឡេស៊ី នឹងចែករំលែកព័ត៌មានអំពីបណ្ដាញឆបោកតាមអ៊ីនធឺណិត។",
    "Officials urged job seekers to check offers with the authorities before travelling.",
]
TRANSLATE_TEXTS = [
    "The police arrested 185 people on Tuesday.",
    "Officials from both countries met in Phnom Penh.",
    "Many victims were promised well-paid work abroad.",
    "The two police forces will exchange the names of suspected recruiters.",
]
KINDS = ("detect", "brief_cached", "brief_cached_ms", "brief_uncached", "translate", "translate_uncached")
# requests of each kind per 10
MIX = {"detect": 3, "brief_cached": 2, "brief_cached_ms": 1, "brief_uncached": 1, "translate": 2,
       "translate_uncached": 1}
PLACES = ("Phnom Penh", "Kuala Lumpur", "Bavet", "Poipet", "Sihanoukville", "Johor Bahru", "Siem Reap")


def uncached_sentence(i: int) -> str:
    """A sentence the result cache has never seen (written for this benchmark)."""
    return f"Police in {PLACES[i % len(PLACES)]} arrested {12 + i} people at a scam compound."


def uncached_article(i: int) -> str:
    """A different article each time (the result cache has never seen it)."""
    paragraphs = EXAMPLE.split("\n\n")
    random.Random(i).shuffle(paragraphs)
    return f"Report {i}: regional desk, item {i * 7 + 3}.\n\n" + "\n\n".join(paragraphs)


def plan(requests: int, seed: int = 0, translate_texts: tuple[str, ...] = tuple(TRANSLATE_TEXTS),
         mix: dict[str, int] | None = None) -> list[tuple[str, str, dict]]:
    """(kind, path, JSON body) for each request, kinds drawn with the weights of mix (default MIX)."""
    rng = random.Random(seed)
    mix = MIX if mix is None else mix
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=requests)
    out, fresh = [], 0
    for kind in kinds:
        fresh += 1
        if kind == "detect":
            out.append((kind, "/api/v1/detect", {"text": rng.choice(DETECT_TEXTS)}))
        elif kind in ("brief_cached", "brief_cached_ms"):
            out.append((kind, "/api/v1/brief", {"text": EXAMPLE, "to": "ms" if kind.endswith("_ms") else "en"}))
        elif kind == "brief_uncached":
            out.append((kind, "/api/v1/brief", {"text": uncached_article(10_000 + fresh + 1000 * seed), "to": "en"}))
        elif kind == "translate_uncached":
            out.append((kind, "/api/v1/translate", {"text": uncached_sentence(fresh + 1000 * seed), "to": "ms",
                                                    "src": "en"}))
        else:
            out.append((kind, "/api/v1/translate", {"text": rng.choice(translate_texts), "to": "ms", "src": "en"}))
    return out


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


async def drive(base: str, requests: list[tuple[str, str, dict]], clients: int, timeout: float = 300) -> dict:
    """Send the requests from `clients` concurrent clients; latency and status per request. Each
    client opens its connection (GET /api/v1/health) before the clock starts, as a page or an API
    client keeps one open: the figures are the requests', not 16 TCP handshakes at once."""
    import httpx

    queue: asyncio.Queue = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    results: list[dict] = []
    connected, go, started = [0], asyncio.Event(), [0.0]

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=timeout) as http:
            await http.get("/api/v1/health")
            connected[0] += 1
            if connected[0] == clients:
                go.set()
            await go.wait()
            while True:
                try:
                    kind, path, body = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                sent = start - started[0]
                try:
                    response = await http.post(path, json=body)
                    status, retry = response.status_code, response.headers.get("retry-after")
                except httpx.TimeoutException:
                    status, retry = "timeout", None
                results.append({"kind": kind, "status": status, "retry_after": retry,
                                "s": time.perf_counter() - start, "sent_s": sent})

    tasks = [asyncio.ensure_future(client()) for _ in range(clients)]
    await go.wait()
    started[0] = time.perf_counter()
    await asyncio.gather(*tasks)
    return {"wall_s": time.perf_counter() - started[0], "results": results}


def summarize(run: dict) -> dict:
    results, wall = run["results"], run["wall_s"]
    rows = []
    for kind in KINDS + ("all",):
        mine = [r for r in results if kind == "all" or r["kind"] == kind]
        ok = [r["s"] for r in mine if r["status"] == 200]
        # the first second: all clients' first requests arrive at once (a thundering herd no client
        # keeps up); after it, each client sends when its last answer came
        steady = [r["s"] for r in mine if r["status"] == 200 and r.get("sent_s", 0) >= 1.0]
        if not mine:
            continue
        rows.append({"kind": kind, "requests": len(mine), "ok": len(ok),
                     "p50_ms": round(1000 * percentile(ok, 0.5), 1) if ok else None,
                     "p95_ms": round(1000 * percentile(ok, 0.95), 1) if ok else None,
                     "max_ms": round(1000 * max(ok), 1) if ok else None,
                     "p95_after_1s_ms": round(1000 * percentile(steady, 0.95), 1) if steady else None})
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    return {"requests": len(results), "wall_s": round(wall, 3), "requests_per_s": round(len(results) / wall, 2),
            "statuses": statuses, "server_errors": sum(1 for r in results if str(r["status"]).startswith("5")),
            "per_kind": rows}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(*options: str, cache: str):
    """`newsbrief serve` in its own process; yields (base URL, pid)."""
    import httpx

    port = free_port()
    env = {**os.environ, "NEWSBRIEF_CACHE": cache, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "newsbrief", "serve", "--port", str(port), *options],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def sample_rss(pid: int, samples: list[float], every: float = 0.25) -> None:
    while True:
        value = rss_mb(pid)
        if value is not None:
            samples.append(value)
        await asyncio.sleep(every)


async def loaded_run(base: str, pid: int, requests: list, clients: int) -> tuple[dict, list[float]]:
    samples: list[float] = []
    sampler = asyncio.ensure_future(sample_rss(pid, samples))
    try:
        run = await drive(base, requests, clients)
    finally:
        sampler.cancel()
    return run, samples


def overload(base: str, clients: int) -> dict:
    """CLIENTS uncached briefs at once at a server that admits 3 (1 running + a queue of 2)."""
    requests = [("brief_uncached", "/api/v1/brief", {"text": uncached_article(90_000 + i), "to": "en"})
                for i in range(clients)]
    run = asyncio.run(drive(base, requests, clients, timeout=120))
    refused = [r for r in run["results"] if r["status"] in (429, 503)]
    return {"requests": clients, "wall_s": round(run["wall_s"], 3),
            "statuses": {str(s): sum(1 for r in run["results"] if r["status"] == s)
                         for s in sorted({r["status"] for r in run["results"]}, key=str)},
            "refused_with_retry_after": sum(1 for r in refused if r["retry_after"]),
            "refused_max_ms": round(1000 * max((r["s"] for r in refused), default=0), 1),
            "hung": sum(1 for r in run["results"] if r["status"] == "timeout")}


def markdown(load: dict, memory: dict, over: dict, options: dict) -> str:
    table = rpt.markdown_table(["request", "count", "ok", "p50 ms", "p95 ms", "max ms", "p95 ms after 1 s"],
                               [[r["kind"], r["requests"], r["ok"], r["p50_ms"], r["p95_ms"], r["max_ms"],
                                 r["p95_after_1s_ms"]] for r in load["per_kind"]],
                               numeric=[False, True, True, True, True, True, True])
    return (f"{options['clients']} concurrent clients, {load['requests']} requests in {load['wall_s']} s: "
            f"**{load['requests_per_s']} requests/s**; statuses {load['statuses']}; **5xx: {load['server_errors']}**."
            f" Server: {options['threads']} threads, queue {options['queue']}, one worker process.\n\n{table}\n\n"
            f"Latency from the client, successful requests only; the last column leaves out the requests sent in "
            f"the first second (every client's first request arrives at once). Server RSS: {memory['rss_start_mb']} MB after start,"
            f" {memory['rss_after_warmup_mb']} MB after the warm-up (models loaded), at most {memory['rss_max_mb']} MB"
            f" during the run, {memory['rss_end_mb']} MB at the end (peak {memory['peak_mb']} MB).\n\n"
            f"Overload (1 thread, queue 2; {over['requests']} uncached briefs at once): statuses {over['statuses']}; "
            f"{over['refused_with_retry_after']} refused with Retry-After, the slowest refusal in "
            f"{over['refused_max_ms']} ms; hung: {over['hung']}.")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="the server's --threads")
    parser.add_argument("--queue", type=int, default=32, help="the server's --queue")
    parser.add_argument("--out", type=Path, default=rpt.RESULTS / "serve_load",
                        help="write OUT.json and OUT.md (default benchmarks/results/serve_load)")
    args = parser.parse_args(argv)
    import httpx

    options = {"clients": args.clients, "requests": args.requests, "threads": args.threads, "queue": args.queue}
    with tempfile.TemporaryDirectory() as cache:
        with server("--threads", str(args.threads), "--queue", str(args.queue), cache=cache) as (base, pid):
            memory = {"rss_start_mb": rss_mb(pid)}
            # warm-up, outside the timing: load the models, fill the cache with the "cached" article
            asyncio.run(drive(base, [("brief_cached", "/api/v1/brief", {"text": EXAMPLE, "to": "en"}),
                                     ("brief_cached_ms", "/api/v1/brief", {"text": EXAMPLE, "to": "ms"}),
                                     ("translate", "/api/v1/translate", {"text": "Hello.", "to": "ms", "src": "en"})],
                              1))
            memory["rss_after_warmup_mb"] = rss_mb(pid)
            run, samples = asyncio.run(loaded_run(base, pid, plan(args.requests), args.clients))
            memory.update(rss_max_mb=max(samples, default=None), rss_end_mb=rss_mb(pid), peak_mb=rss_mb(pid, "VmHWM"))
            pool_stats = httpx.get(f"{base}/api/v1/health", timeout=10).json().get("stats")
        load = summarize(run)
        with server("--threads", "1", "--queue", "2", cache=cache) as (base, _):
            over = overload(base, args.clients)
    cmd = rpt.command(NAME, argv)
    report = {"benchmark": "serve-load: the server under concurrent mixed requests", "command": cmd,
              "signature": signature(packages=("newsbrief", "fastapi", "uvicorn", "httpx"), config=options),
              "load": load, "memory": memory, "overload": over, "pool_stats": pool_stats}
    page = rpt.page("The server under load", report["signature"], cmd, markdown(load, memory, over, options))
    print(page)
    out = args.out.with_suffix("")
    rpt.write(out, report, page)
    print(f"wrote {out}.json, .md", file=sys.stderr)
    return 0 if load["server_errors"] == 0 and over["hung"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
