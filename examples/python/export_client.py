#!/usr/bin/env python3
"""A FluxQuery Export client in plain Python (standard library only), written from docs/signing.md.

Usage:  python3 examples/python/export_client.py QUERY [FORMAT] [COMPRESSION]
        python3 examples/python/export_client.py --check-vectors docs/signing-vectors.json
Environment: BASE_URL (http://127.0.0.1:8080), API_SECRET (devsecret), KEY_ID (default), EMAIL.
Signs every request (v2), submits, polls at most once a second, prints the download link, fetches
the file into the current folder, checks its sha256, and exits 0 only when it has the file.
"""
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request

FINAL = {"COMPLETED", "FAILED", "CANCELLED"}


def sign_v1(secret, method, path, body, timestamp):
    message = method.upper().encode() + path.encode() + body + timestamp.encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_v2(secret, key_id, method, path, query, timestamp, nonce, body):
    lines = ["v2", method.upper(), path, query, timestamp, nonce, key_id, hashlib.sha256(body).hexdigest()]
    digest = hmac.new(secret.encode(), "\n".join(lines).encode(), hashlib.sha256).hexdigest()
    return "v2=" + digest


class Client:
    def __init__(self):
        self.base_url = os.environ.get("BASE_URL", "http://127.0.0.1:8080").rstrip("/")
        self.secret = os.environ.get("API_SECRET", "devsecret")
        self.key_id = os.environ.get("KEY_ID", "default")

    def call(self, method, url, body=b""):
        path, _, query = url.partition("?")
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        headers = {
            "X-Key-Id": self.key_id,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": sign_v2(self.secret, self.key_id, method, path, query, timestamp, nonce, body),
        }
        if body:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + url, data=body or None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


def main(argv):
    query = argv[0] if argv else "SELECT * FROM users LIMIT 10"
    request = {"query": query, "email": os.environ.get("EMAIL", "admin@example.com")}
    request["format"] = argv[1] if len(argv) > 1 else "csv"
    if len(argv) > 2:
        request["compression"] = argv[2]
    client = Client()
    # json.dumps escapes quotes, backslashes and control characters: any query text is safe.
    status, created = client.call("POST", "/export", json.dumps(request).encode())
    print("POST /export", status, json.dumps(created))
    if status != 202:
        return 1
    job_id = created["job_id"]
    while True:
        status, job = client.call("GET", "/export/" + job_id)
        if status != 200:
            print("GET /export/%s %d %s" % (job_id, status, json.dumps(job)), file=sys.stderr)
            if status in (429, 503):
                time.sleep(1)
                continue
            return 1
        print(job["status"], "rows=%d" % job["progress"]["rows"])
        if job["status"] in FINAL:
            break
        time.sleep(1)
    if job["status"] != "COMPLETED":
        print("the export ended %s: %s" % (job["status"], json.dumps(job["error"])), file=sys.stderr)
        return 1
    result = job["result"]
    print("download link:", result["download_url"])
    # The link carries its own credential and may redirect to S3; urllib follows the redirect.
    with urllib.request.urlopen(result["download_url"], timeout=300) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != result["sha256"]:
        print("the file's sha256 does not match the status", file=sys.stderr)
        return 1
    with open(result["file_name"], "wb") as out:
        out.write(data)
    print("downloaded %s: %d bytes, sha256 matches" % (result["file_name"], len(data)))
    return 0


def check_vectors(path):
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    failed = 0
    for v in vectors["v1"]:
        got = sign_v1(v["secret"], v["method"], v["path"], v["body"].encode(), v["timestamp"])
        failed += got != v["signature"]
        print("%s v1 %s" % ("ok  " if got == v["signature"] else "FAIL", v["name"]))
    for v in vectors["v2"]:
        got = sign_v2(v["secret"], v["keyId"], v["method"], v["path"], v["query"], v["timestamp"], v["nonce"],
                      v["body"].encode())
        failed += got != v["signature"]
        print("%s v2 %s" % ("ok  " if got == v["signature"] else "FAIL", v["name"]))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check-vectors"]:
        sys.exit(check_vectors(sys.argv[2]))
    sys.exit(main(sys.argv[1:]))
