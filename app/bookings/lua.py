"""The Lua scripts that make holds atomic, and one way to run them.

Redis runs a script without interleaving any other command, so "check every seat, then take
every seat" cannot be split by a competing client: that is the whole concurrency story of
holds. Every key a script touches carries the showtime's hash tag (``app.bookings.keys``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from redis.exceptions import NoScriptError

from app.extensions import redis_client

# Steps several scripts share, prepended to each of them (Lua cannot import).
_HELPERS = """
local function bump(generation_key)
  redis.call('INCR', generation_key)
  redis.call('EXPIRE', generation_key, 86400)
end
local function invalidate_seat_map(map_key, generation_key)
  redis.call('DEL', map_key)
  bump(generation_key)
end
local function delete_if_owned(key, owner)
  if redis.call('GET', key) == owner then
    redis.call('DEL', key)
  end
end
local function end_hold(record_key, pointer_key, hold_id)
  redis.call('DEL', record_key)
  delete_if_owned(pointer_key, hold_id)
end
"""

# A customer's hold ends at their deadline for the showtime when one runs: the countdown started
# by their first hold runs on through replacements and releases, so changing seats or releasing
# them does not restart it. It ends when they book (SELL). Staff holding for walk-in customers
# pass ARGV[8] = '0' and get no deadline.
# KEYS: user pointer, new hold record, seat map, seat map generation, sold seats, user deadline,
#       lock per seat...
# ARGV: hold id, ttl ms, hold data (JSON), seat ids (comma-separated), hold key prefix,
#       lock key prefix, user id, '1' when the deadline applies, shortest hold worth giving (ms)
# Returns {1, replaced hold id or '', ttl ms given}, {0, taken seat id...}, {2} when the
# sold-seat mirror is missing (Redis restarted, or its periodic reload is due: load it, retry),
# or {3, ms left} when the deadline is too close for a hold worth having.
HOLD = """
if redis.call('EXISTS', KEYS[5]) == 0 then
  return {2}
end
local hold_id = ARGV[1]
local previous = redis.call('GET', KEYS[1])
local ttl = tonumber(ARGV[2])
local counted = ARGV[8] == '1'
if counted then
  local remaining = redis.call('PTTL', KEYS[6])
  if remaining > 0 and remaining < ttl then
    if remaining < tonumber(ARGV[9]) then
      return {3, remaining}
    end
    ttl = remaining
  end
end
local taken = {0}
for i = 7, #KEYS do
  local seat = string.sub(KEYS[i], #ARGV[6] + 1)
  local owner = redis.call('GET', KEYS[i])
  if redis.call('SISMEMBER', KEYS[5], seat) == 1 or (owner and owner ~= previous and owner ~= hold_id) then
    taken[#taken + 1] = seat
  end
end
if #taken > 1 then
  return taken
end
if previous then
  local previous_key = ARGV[5] .. previous
  local seats = redis.call('HGET', previous_key, 'seat_ids')
  if seats then
    for seat in string.gmatch(seats, '[^,]+') do
      delete_if_owned(ARGV[6] .. seat, previous)
    end
  end
  redis.call('DEL', previous_key)
end
for i = 7, #KEYS do
  redis.call('SET', KEYS[i], hold_id, 'PX', ttl)
end
redis.call('HSET', KEYS[2], 'data', ARGV[3], 'seat_ids', ARGV[4], 'user_id', ARGV[7])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[1], hold_id, 'PX', ttl)
if counted then
  redis.call('SET', KEYS[6], '1', 'PX', ttl)
end
invalidate_seat_map(KEYS[3], KEYS[4])
return {1, previous or '', ttl}
"""

# Confirmation step one: every lock must still be this hold's. The locks (and the record)
# are stretched to at least ARGV[2] ms so they cannot lapse while the booking is written, and
# the hold stops being the user's "live" hold so a new hold cannot replace it mid-confirmation.
# KEYS: hold record, user pointer, lock per seat...   ARGV: hold id, minimum ttl ms
# Returns the lock keys no longer owned by the hold (empty: all good).
CLAIM = """
local lost = {}
for i = 3, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then
    lost[#lost + 1] = KEYS[i]
  end
end
if #lost > 0 then
  return lost
end
local minimum = tonumber(ARGV[2])
for i = 3, #KEYS do
  if redis.call('PTTL', KEYS[i]) < minimum then
    redis.call('PEXPIRE', KEYS[i], minimum)
  end
end
if redis.call('PTTL', KEYS[1]) < minimum then
  redis.call('PEXPIRE', KEYS[1], minimum)
end
delete_if_owned(KEYS[2], ARGV[1])
return lost
"""

# Ends a hold that sold nothing (released, replaced or its confirmation failed): locks still
# owned by the hold, its record and the user's pointer go; the seat map is invalidated in the
# same atomic step.
# KEYS: hold record, user pointer, seat map, seat map generation, lock per seat...
# ARGV: hold id
RELEASE = """
for i = 5, #KEYS do
  delete_if_owned(KEYS[i], ARGV[1])
end
end_hold(KEYS[1], KEYS[2], ARGV[1])
invalidate_seat_map(KEYS[3], KEYS[4])
return 1
"""

# The booking of a hold is committed: its seats join the sold mirror (if it is loaded; a
# later load reads them from PostgreSQL), the hold's locks, record and pointer go, the
# customer's countdown for the showtime ends (their next hold starts a new one), and the
# sold generation moves so that a load read before this sale is not stored.
# KEYS: hold record, user pointer, seat map, seat map generation, sold seats, sold generation,
#       user deadline, lock per seat...   ARGV: hold id, lock key prefix
SELL = """
local loaded = redis.call('EXISTS', KEYS[5]) == 1
redis.call('DEL', KEYS[7])
for i = 8, #KEYS do
  if loaded then
    redis.call('SADD', KEYS[5], string.sub(KEYS[i], #ARGV[2] + 1))
  end
  delete_if_owned(KEYS[i], ARGV[1])
end
bump(KEYS[6])
end_hold(KEYS[1], KEYS[2], ARGV[1])
invalidate_seat_map(KEYS[3], KEYS[4])
return 1
"""

# Booked seats were given back (cancellation, expiry, refund) and that is committed: they
# leave the sold mirror, any lock of their hold goes, the sold generation moves.
# KEYS: seat map, seat map generation, sold seats, sold generation, lock per seat...
# ARGV: hold id, lock key prefix
UNSELL = """
for i = 5, #KEYS do
  redis.call('SREM', KEYS[3], string.sub(KEYS[i], #ARGV[2] + 1))
  delete_if_owned(KEYS[i], ARGV[1])
end
bump(KEYS[4])
invalidate_seat_map(KEYS[1], KEYS[2])
return 1
"""

# Replace the sold mirror with what PostgreSQL said, unless a sale or give-back happened
# since the generation ARGV[1] was read (then the caller reads again). '-' keeps the set in
# existence when nothing is sold.
# KEYS: sold seats, sold generation   ARGV: generation read before PostgreSQL, ttl s, seat id...
LOAD_SOLD = """
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('SADD', KEYS[1], '-')
for i = 3, #ARGV do
  redis.call('SADD', KEYS[1], ARGV[i])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

# Store a freshly built seat map only if nothing changed while it was being built.
# KEYS: seat map, seat map generation   ARGV: generation read before building ('' if none),
# JSON, ttl seconds
CACHE_IF_UNCHANGED = """
local generation = redis.call('GET', KEYS[2]) or ''
if generation == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""

_SOURCES = {name: _HELPERS + body for name, body in {
    "hold": HOLD, "claim": CLAIM, "release": RELEASE, "sell": SELL, "unsell": UNSELL,
    "load_sold": LOAD_SOLD, "cache_if_unchanged": CACHE_IF_UNCHANGED,
}.items()}


def run(name: str, keys: list[str], args: list[Any]) -> Any:
    """Run script ``name`` with EVALSHA (loading it once per app and Redis client)."""
    return _script(name)(keys=keys, args=args)


def run_after_get(key: str, name: str, keys: list[str], args: list[Any]) -> tuple[str | None, Any]:
    """GET ``key`` and run script ``name`` in one round trip: (value of ``key``, script's answer)."""
    script = _script(name)
    for _ in range(2):
        pipe = redis_client.client.pipeline(transaction=False)
        pipe.get(key)
        pipe.evalsha(script.sha, len(keys), *keys, *args)
        try:
            value, answer = pipe.execute()
            return value, answer
        except NoScriptError:  # Redis restarted or dropped its scripts: load it and go again
            redis_client.client.script_load(_SOURCES[name])
    raise RuntimeError(f"Redis keeps refusing the {name} script")


def _script(name: str):
    scripts = current_app.extensions.setdefault("booking_scripts", {})
    script = scripts.get(name)
    if script is None:
        script = scripts[name] = redis_client.client.register_script(_SOURCES[name])
    return script
