"""The Python side of the interop tests: aiocache 0.12.3 on the shared config file.

    aiocache-peer.py CONFIG OPS

CONFIG is the cachegen config file, passed to caches.set_config as it is. OPS is a JSON list of
[op, alias, *args]. Prints one JSON line: a list with {"ok": result} or {"error": "Type: message"}
per operation. Values cross as tagged JSON so that Python's kinds survive the trip: in and out,
{"$int": "5"}, {"$float": "1.5"} and {"$bytes": hex}; out only, {"$dict": [[key, value], ...]} and
{"$type": name, "$repr": repr} for anything else.
"""
import asyncio
import json
import sys

from aiocache import caches


def untag(value):
    if isinstance(value, dict):
        if "$int" in value:
            return int(value["$int"])
        if "$float" in value:
            return float(value["$float"])
        if "$bytes" in value:
            return bytes.fromhex(value["$bytes"])
        return {key: untag(item) for key, item in value.items()}
    if isinstance(value, list):
        return [untag(item) for item in value]
    return value


def tag(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"$int": str(value)}
    if isinstance(value, float):
        return {"$float": repr(value)}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, dict):
        return {"$dict": [[tag(key), tag(item)] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        return [tag(item) for item in value]
    return {"$type": type(value).__name__, "$repr": repr(value)}


async def run(cache, op, args):
    ttl = {"ttl": args[2]} if len(args) > 2 else {}
    if op == "get":
        return await cache.get(args[0])
    if op == "loads_raw":
        # aiocache's own MsgPackSerializer cannot read through cache.get on Redis (it decodes the
        # bytes as UTF-8 first), so msgpack values are read as bytes and handed to its loads.
        return cache.serializer.loads(await cache.client.get(cache.build_key(args[0])))
    if op == "raw_get":
        return await cache.client.get(args[0])
    if op == "set":
        return await cache.set(args[0], args[1], **ttl)
    if op == "add":
        return await cache.add(args[0], args[1], **ttl)
    if op == "multi_set":
        return await cache.multi_set([tuple(pair) for pair in args[0]], **({"ttl": args[1]} if len(args) > 1 else {}))
    if op == "multi_get":
        return await cache.multi_get(args[0])
    if op == "ttl":
        return await cache.client.ttl(cache.build_key(args[0]))
    if op == "pttl":
        return await cache.client.pttl(cache.build_key(args[0]))
    if op == "increment":
        return await cache.increment(args[0], *args[1:])
    if op == "delete":
        return await cache.delete(args[0])
    if op == "exists":
        return await cache.exists(args[0])
    if op == "expire":
        return await cache.expire(args[0], args[1])
    if op == "clear":
        return await cache.clear(namespace=args[0]) if args else await cache.clear()
    if op == "build_key":
        return cache.build_key(*args)
    raise ValueError(f"unknown op {op}")


async def main(config_path, ops):
    with open(config_path) as file:
        caches.set_config(json.load(file))
    results = []
    for op, alias, *args in ops:
        try:
            results.append({"ok": tag(await run(caches.get(alias), op, [untag(arg) for arg in args]))})
        except Exception as error:
            results.append({"error": f"{type(error).__name__}: {error}"})
    for cache in caches._caches.values():
        await cache.close()
    print(json.dumps(results))


asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
