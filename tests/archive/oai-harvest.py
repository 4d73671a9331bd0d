#!/usr/bin/env python3
"""Harvests Shinian's /oai with Sickle, a real OAI-PMH client from PyPI (tests/oai.rs runs it).

    oai-harvest.py BASE_URL PAUSE_AFTER

1. Walks ListRecords (oai_dc, GET) to the end. After PAUSE_AFTER records it prints "paused"
   and waits for a line on standard input, while the test approves and withdraws stories.
2. Harvests again incrementally (POST), from the responseDate of the first harvest's first
   response, as a harvester keeping a copy up to date does.

Prints one JSON object: {"first": [...], "second": [...], "since": responseDate}, each record
as [identifier, deleted, datestamp, title or null]. Any protocol error or malformed answer
ends it with a traceback (Sickle raises), so the test fails.
"""
import json
import sys

from sickle import Sickle

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def harvest(sickle, pause_after=None, **arguments):
    records = sickle.ListRecords(metadataPrefix="oai_dc", **arguments)
    since = records.oai_response.xml.find(".//" + OAI + "responseDate").text
    seen = []
    for record in records:
        header = record.header
        title = None
        if not header.deleted:
            title = (record.metadata.get("title") or [None])[0]
        seen.append([header.identifier, header.deleted, header.datestamp, title])
        if pause_after is not None and len(seen) == pause_after:
            print("paused", flush=True)
            sys.stdin.readline()
    return since, seen


def main():
    base_url, pause_after = sys.argv[1], int(sys.argv[2])
    since, first = harvest(Sickle(base_url), pause_after)
    _, second = harvest(Sickle(base_url, http_method="POST"), **{"from": since})
    print(json.dumps({"first": first, "second": second, "since": since}), flush=True)


if __name__ == "__main__":
    main()
