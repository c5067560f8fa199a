#!/usr/bin/env python3
"""A test stand-in for a libSQL server: Hrana 3 over HTTP (the protocol of sqld and Turso) backed by
one SQLite file, for `cargo xtask spin` (xtask/src/spin/libsql.rs) — no libSQL server can be installed
from the package registries CI reaches. Not a server to deploy.

Each Hrana stream (named by its baton) is one sqlite3 connection, as in sqld: statements sent with
the same baton run on the same connection, so a transaction opened on a stream spans the requests
that follow; a stream is closed by a `close` request. Only what libsql's remote client (libsql 0.5,
as in Spin's libsql backend) sends is implemented: POST /v3/pipeline (execute, batch, sequence,
get_autocommit, close) and POST /v3/cursor. Usage: hrana_standin.py PORT DB_FILE
"""

import base64
import itertools
import json
import socket
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB = sys.argv[2]
STREAMS = {}
STREAMS_LOCK = threading.Lock()
BATONS = itertools.count(1)


class Stream:
    def __init__(self):
        self.conn = sqlite3.connect(DB, isolation_level=None, check_same_thread=False, timeout=30)
        self.lock = threading.Lock()


def to_py(v):
    t = v.get("type")
    if t == "null":
        return None
    if t == "integer":
        return int(v["value"])
    if t == "float":
        return float(v["value"])
    if t == "text":
        return v["value"]
    if t == "blob":
        return base64.b64decode(v.get("base64", ""))
    raise ValueError(f"unknown value {v}")


def to_hrana(x):
    if x is None:
        return {"type": "null"}
    if isinstance(x, int):
        return {"type": "integer", "value": str(x)}
    if isinstance(x, float):
        return {"type": "float", "value": x}
    if isinstance(x, str):
        return {"type": "text", "value": x}
    return {"type": "blob", "base64": base64.b64encode(bytes(x)).decode().rstrip("=")}


def execute(conn, stmt):
    """Runs one statement; (cols, rows, affected_row_count, last_insert_rowid)."""
    args = [to_py(a) for a in stmt.get("args", [])]
    if stmt.get("named_args"):
        args = {a["name"].lstrip(":@$"): to_py(a["value"]) for a in stmt["named_args"]}
    before = conn.total_changes
    cur = conn.execute(stmt["sql"], args)
    rows = cur.fetchall()
    cols = [{"name": d[0], "decltype": None} for d in (cur.description or [])]
    changed = conn.total_changes - before
    affected = conn.execute("SELECT changes()").fetchone()[0] if changed else 0
    return cols, rows, affected, (cur.lastrowid if changed else None)


def error(e):
    return {"message": str(e), "code": "SQLITE_ERROR"}


def stream_for(baton):
    with STREAMS_LOCK:
        if baton is None:
            return Stream()
        if baton not in STREAMS:
            raise KeyError("stream expired or unknown baton")
        return STREAMS.pop(baton)


def keep(stream):
    baton = f"b{next(BATONS)}"
    with STREAMS_LOCK:
        STREAMS[baton] = stream
    return baton


def run_batch(conn, batch):
    results, errors = [], []
    for step in batch["steps"]:
        cond = step.get("condition")
        if cond is not None and not check(cond, results, errors):
            results.append(None)
            errors.append(None)
            continue
        try:
            cols, rows, affected, rowid = execute(conn, step["stmt"])
            results.append(stmt_result(cols, rows, affected, rowid))
            errors.append(None)
        except Exception as e:  # noqa: BLE001
            results.append(None)
            errors.append(error(e))
    return results, errors


def check(cond, results, errors):
    t = cond["type"]
    if t == "ok":
        return results[cond["step"]] is not None
    if t == "error":
        return errors[cond["step"]] is not None
    if t == "not":
        return not check(cond["cond"], results, errors)
    if t == "and":
        return all(check(c, results, errors) for c in cond["conds"])
    if t == "or":
        return any(check(c, results, errors) for c in cond["conds"])
    if t == "is_autocommit":
        return True
    return False


def stmt_result(cols, rows, affected, rowid):
    return {
        "cols": cols,
        "rows": [[to_hrana(x) for x in r] for r in rows],
        "affected_row_count": affected,
        "last_insert_rowid": None if rowid is None else str(rowid),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold each answer back ~40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        # Only what went wrong: a request that was not answered 200.
        if len(args) >= 2 and str(args[1]) == "200":
            return
        sys.stderr.write("%s\n" % (fmt % args))

    def do_GET(self):
        self.reply(200, b"{}", "application/json")

    def reply(self, status, body, ctype):
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
        try:
            stream = stream_for(body.get("baton"))
        except KeyError as e:
            self.reply(400, json.dumps({"message": str(e)}).encode(), "application/json")
            return
        with stream.lock:
            if self.path.endswith("/v3/pipeline"):
                out, closed = self.pipeline(stream, body["requests"])
            elif self.path.endswith("/v3/cursor"):
                out, closed = self.cursor(stream, body["batch"]), False
            else:
                self.reply(404, b"{}", "application/json")
                return
        baton = None
        if closed:
            stream.conn.close()
        else:
            baton = keep(stream)
        if self.path.endswith("/v3/pipeline"):
            data = json.dumps({"baton": baton, "base_url": None, "results": out}).encode()
        else:
            lines = [{"baton": baton, "base_url": None}] + out
            data = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
        self.reply(200, data, "application/json")

    def pipeline(self, stream, requests):
        out, closed = [], False
        for req in requests:
            t = req["type"]
            try:
                if t == "execute":
                    cols, rows, affected, rowid = execute(stream.conn, req["stmt"])
                    resp = {"type": "execute", "result": stmt_result(cols, rows, affected, rowid)}
                elif t == "batch":
                    results, errors = run_batch(stream.conn, req["batch"])
                    resp = {"type": "batch", "result": {"step_results": results, "step_errors": errors}}
                elif t == "sequence":
                    stream.conn.executescript(req["sql"])
                    resp = {"type": "sequence"}
                elif t == "get_autocommit":
                    resp = {"type": "get_autocommit", "is_autocommit": not stream.conn.in_transaction}
                elif t == "close":
                    closed = True
                    resp = {"type": "close"}
                else:
                    raise ValueError(f"unsupported request {t}")
                out.append({"type": "ok", "response": resp})
            except Exception as e:  # noqa: BLE001
                out.append({"type": "error", "error": error(e)})
        return out, closed

    def cursor(self, stream, batch):
        entries = []
        results, errors = [], []
        for i, step in enumerate(batch["steps"]):
            cond = step.get("condition")
            if cond is not None and not check(cond, results, errors):
                results.append(None)
                errors.append(None)
                continue
            try:
                cols, rows, affected, rowid = execute(stream.conn, step["stmt"])
            except Exception as e:  # noqa: BLE001
                entries.append({"type": "step_error", "step": i, "error": error(e)})
                results.append(None)
                errors.append(error(e))
                continue
            entries.append({"type": "step_begin", "step": i, "cols": cols})
            entries.extend({"type": "row", "row": [to_hrana(x) for x in r]} for r in rows)
            entries.append({"type": "step_end", "affected_row_count": affected,
                            "last_inserted_rowid": None if rowid is None else str(rowid)})
            results.append(True)
            errors.append(None)
        return entries


if __name__ == "__main__":
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
