"""The Lua scripts that make holds atomic, and one way to run them.

Redis runs a script without interleaving any other command, so "check every seat, then take
every seat" cannot be split by a competing client: that is the whole concurrency story of
holds. Every key a script touches carries the showtime's hash tag (``app.bookings.keys``).

Over 300 lines because it is mostly Lua: the scripts share helper functions that Redis can
only see inside one script's text, so they are assembled here from one set of helpers rather
than split across modules that would each need their own copy.
"""

from __future__ import annotations

from hashlib import sha1
from typing import Any, NamedTuple

from flask import current_app
from redis.exceptions import NoScriptError

from app.bookings.gaps import STRANDED_SEATS_LUA
from app.bookings.hold_limits import HOLD_LIMITS_LUA
from app.extensions import redis_client

# Steps several scripts share, prepended to each of them (Lua cannot import).
_HELPERS = """
local function bump(generation_key)
  local generation = redis.call('INCR', generation_key)
  redis.call('EXPIRE', generation_key, 86400)
  return generation
end
-- Open seat-map pages learn of the change from a PUBLISH on 'seatmap:<showtime id>' (the
-- realtime service relays it to their sockets), sent here so a hold pays no extra round trip.
-- Answers {new generation, 1 if a map was cached}.
local function invalidate_seat_map(map_key, generation_key)
  local cached = redis.call('DEL', map_key)
  local generation = bump(generation_key)
  local showtime = string.match(map_key, '{(%d+)}')
  redis.call('PUBLISH', 'seatmap:' .. showtime,
    '{"showtime_id":' .. showtime .. ',"generation":' .. generation .. '}')
  return {generation, cached}
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
-- A showtime's unpaid seats (app.bookings.unpaid): entry 'b:<hold id>' = '<user>:<seats>' per
-- booking, and 'u:<user>' = their sum per customer. Keyed by booking, so adding or removing
-- twice changes nothing; nothing is written until the set is loaded from PostgreSQL.
local function add_unpaid(key, entry, user, seats)
  if redis.call('EXISTS', key) == 1 and redis.call('HSETNX', key, entry, user .. ':' .. seats) == 1 then
    redis.call('HINCRBY', key, 'u:' .. user, seats)
  end
end
local function remove_unpaid(key, entry)
  local owner = redis.call('HGET', key, entry)
  if owner then
    redis.call('HDEL', key, entry)
    local user, seats = string.match(owner, '^(%d+):(%d+)$')
    if redis.call('HINCRBY', key, 'u:' .. user, -tonumber(seats)) <= 0 then
      redis.call('HDEL', key, 'u:' .. user)
    end
  end
end
"""

# The hold limits (app.bookings.hold_limits.judge_hold) are judged first: a customer's hold ends
# at their deadline for the showtime when one runs (the countdown started by their first hold
# runs on through replacements and releases, so changing seats or releasing them does not
# restart it; it ends when they book, SELL), and their seats of this hold plus their unpaid
# seats of the showtime (bookings awaiting payment, and being written) may not pass ARGV[10].
# Staff holding for walk-in customers pass ARGV[8] = '0' and have no limits.
# Where the cinema refuses single empty seats, ARGV[11] lists the seats around the hold
# (app.bookings.gaps.script_layout) and the rule is judged here, on the seats taken at this
# very moment, so two holds side by side cannot strand a seat between them. The seats of the
# hold being replaced count as free: this hold frees them.
# KEYS: user pointer, new hold record, seat map, seat map generation, sold seats, user deadline,
#       unpaid seats, lock per seat...
# ARGV: hold id, ttl ms, hold data (JSON), seat ids (comma-separated), hold key prefix,
#       lock key prefix, user id, '1' for a customer, shortest hold worth giving (ms),
#       most unpaid seats per customer, seats around the hold ('' when single seats are allowed)
# Returns {1, replaced hold id or '', ttl ms given}, {0, taken seat id...}, {2} when the
# sold-seat mirror is missing (Redis restarted, or its periodic reload is due: load it, retry),
# {3, ms left} when the deadline is too close for a hold worth having, {4, unpaid seats}
# when the seat limit would be passed, or {5, stranded seat id...}.
HOLD = STRANDED_SEATS_LUA + HOLD_LIMITS_LUA + """
if redis.call('EXISTS', KEYS[5], KEYS[7]) < 2 then
  return {2}
end
local hold_id = ARGV[1]
local previous = redis.call('GET', KEYS[1])
local counted = ARGV[8] == '1'
local unpaid = tonumber(redis.call('HGET', KEYS[7], 'u:' .. ARGV[7]) or '0')
local limits = judge_hold(counted, #KEYS - 7, unpaid, redis.call('PTTL', KEYS[6]), tonumber(ARGV[2]),
                          tonumber(ARGV[9]), tonumber(ARGV[10]))
if limits[1] ~= 1 then
  return limits
end
local ttl = limits[2]
local function taken_by_others(seat)
  local owner = redis.call('GET', ARGV[6] .. seat)
  return redis.call('SISMEMBER', KEYS[5], seat) == 1 or (owner and owner ~= previous and owner ~= hold_id)
end
local taken, requested = {0}, {}
for i = 8, #KEYS do
  local seat = string.sub(KEYS[i], #ARGV[6] + 1)
  requested[seat] = true
  if taken_by_others(seat) then
    taken[#taken + 1] = seat
  end
end
if #taken > 1 then
  return taken
end
if ARGV[11] ~= '' then
  local stranded = stranded_seats(ARGV[11], requested, taken_by_others)
  if #stranded > 0 then
    return {5, unpack(stranded)}
  end
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
for i = 8, #KEYS do
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
# Its seats count as the customer's unpaid seats from now on, so a hold made while the booking
# is written already sees them (a failed confirmation's RELEASE takes them off again).
# KEYS: hold record, user pointer, unpaid seats, lock per seat...
# ARGV: hold id, minimum ttl ms, unpaid entry of the hold, user id
# Returns the lock keys no longer owned by the hold (empty: all good).
CLAIM = """
local lost = {}
for i = 4, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then
    lost[#lost + 1] = KEYS[i]
  end
end
if #lost > 0 then
  return lost
end
local minimum = tonumber(ARGV[2])
for i = 4, #KEYS do
  if redis.call('PTTL', KEYS[i]) < minimum then
    redis.call('PEXPIRE', KEYS[i], minimum)
  end
end
if redis.call('PTTL', KEYS[1]) < minimum then
  redis.call('PEXPIRE', KEYS[1], minimum)
end
delete_if_owned(KEYS[2], ARGV[1])
add_unpaid(KEYS[3], ARGV[3], ARGV[4], #KEYS - 3)
return lost
"""

# Ends a hold that sold nothing (released, replaced or its confirmation failed): locks still
# owned by the hold, its record, the user's pointer and the unpaid seats a claim counted go;
# the seat map is invalidated in the same atomic step.
# KEYS: hold record, user pointer, seat map, seat map generation, unpaid seats, lock per seat...
# ARGV: hold id, unpaid entry of the hold
RELEASE = """
for i = 6, #KEYS do
  delete_if_owned(KEYS[i], ARGV[1])
end
end_hold(KEYS[1], KEYS[2], ARGV[1])
remove_unpaid(KEYS[5], ARGV[2])
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

# Replace the sold mirror and the unpaid seats with what PostgreSQL said, unless a sale,
# give-back or payment happened since the generation ARGV[1] was read (then the caller reads
# again). '-' keeps each in existence when it is empty.
# KEYS: sold seats, sold generation, unpaid seats
# ARGV: generation read before PostgreSQL, ttl s, number of sold seats, sold seat id...,
#       then per unpaid booking: entry, user id, seats
LOAD_SOLD = """
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then
  return 0
end
local sold_end = 3 + tonumber(ARGV[3])
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SADD', KEYS[1], '-')
for i = 4, sold_end do
  redis.call('SADD', KEYS[1], ARGV[i])
end
redis.call('HSET', KEYS[3], '-', '0')
for i = sold_end + 1, #ARGV, 3 do
  add_unpaid(KEYS[3], ARGV[i], ARGV[i + 1], ARGV[i + 2])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1
"""

# A committed booking now awaits payment ('add'), or no longer does ('remove': paid, expired,
# cancelled, or confirmed at once with nothing to pay). Idempotent; moves the sold generation
# so that a load read before the change is not stored after it.
# KEYS: unpaid seats, sold generation   ARGV: 'add' or 'remove', entry, user id, seats
UNPAID = """
if ARGV[1] == 'add' then
  add_unpaid(KEYS[1], ARGV[2], ARGV[3], ARGV[4])
else
  remove_unpaid(KEYS[1], ARGV[2])
end
bump(KEYS[2])
return 1
"""

# A customer's open checkouts (app.bookings.unpaid): a sorted set scored by when each entry
# ends (ms), 'h:<showtime>' per showtime held at, 'b:<hold id>' per unpaid booking, '~' (score
# +inf) once loaded from PostgreSQL; and beside it a hash naming, per showtime, the latest hold
# counted there. A hold only ever takes its showtime's entry away while it is that latest one,
# so a hold counted after it (a new hold made meanwhile) is never left uncounted.

# Count a hold in, unless its showtime is not held at yet and ARGV[5] checkouts are open
# (entries past their end are dropped first: holds end by themselves).
# KEYS: checkouts, latest holds   ARGV: now ms, showtime id, hold id, ends at ms,
#       most open checkouts, key ttl s
# Returns {1, latest hold there before, '' when the showtime was not held at},
# {0, open checkouts}, or {2} when the set is not loaded.
OPEN_CHECKOUT = """
if not redis.call('ZSCORE', KEYS[1], '~') then
  return {2}
end
local entry = 'h:' .. ARGV[2]
local ends = tonumber(ARGV[4])
local known = redis.call('ZSCORE', KEYS[1], entry)
local before = ''
if known then
  before = redis.call('HGET', KEYS[2], ARGV[2]) or ''
  if tonumber(known) < ends then
    redis.call('ZADD', KEYS[1], ends, entry)
  end
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
else
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])) do
    redis.call('ZREM', KEYS[1], member)
    local showtime = string.match(member, '^h:(%d+)$')
    if showtime then
      redis.call('HDEL', KEYS[2], showtime)
    end
  end
  local open = redis.call('ZCARD', KEYS[1]) - 1
  if open >= tonumber(ARGV[5]) then
    return {0, open}
  end
  redis.call('ZADD', KEYS[1], ends, entry)
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
return {1, before}
"""

# Checkouts ended or changed. A hold that ended (or was not given after all) takes its
# showtime's entry away if it is still the latest hold counted there; one not given hands the
# showtime back to the hold counted before it (ARGV[6]) if there was one. Then the entries named
# go, and one entry is added. Nothing is written before the set is loaded (the load reads
# PostgreSQL); the generation moves so that a load read before this change is not stored after.
# KEYS: checkouts, checkouts generation, latest holds
# ARGV: key ttl s, ends at ms of the entry added, entry to add ('' for none), showtime of the
#       hold that ended ('' for none), that hold's id, the hold counted before it, entry to remove...
CHANGE_CHECKOUTS = """
bump(KEYS[2])
if not redis.call('ZSCORE', KEYS[1], '~') then
  return 0
end
if ARGV[4] ~= '' and redis.call('HGET', KEYS[3], ARGV[4]) == ARGV[5] then
  if ARGV[6] ~= '' then
    redis.call('HSET', KEYS[3], ARGV[4], ARGV[6])
  else
    redis.call('ZREM', KEYS[1], 'h:' .. ARGV[4])
    redis.call('HDEL', KEYS[3], ARGV[4])
  end
end
for i = 7, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
end
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return 1
"""

# Load a customer's unpaid bookings read from PostgreSQL, unless one changed since the
# generation ARGV[1] was read.
# KEYS: checkouts, checkouts generation   ARGV: generation, key ttl s, then entry, ends at ms...
LOAD_CHECKOUTS = """
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then
  return 0
end
redis.call('ZADD', KEYS[1], '+inf', '~')
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

# Store a freshly built seat map only if nothing changed while it was being built.
# KEYS: seat map, seat map generation   ARGV: generation read before building ('' if none),
# JSON, lifetime (ms)
CACHE_IF_UNCHANGED = """
local generation = redis.call('GET', KEYS[2]) or ''
if generation == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""

# A change to a showtime's seats made outside the scripts above (prices, layout, cancellation).
# KEYS: seat map, seat map generation   Returns {new generation, 1 if a map was cached}.
INVALIDATE_SEAT_MAP = """
return invalidate_seat_map(KEYS[1], KEYS[2])
"""

_SOURCES = {name: _HELPERS + body for name, body in {
    "hold": HOLD, "claim": CLAIM, "release": RELEASE, "sell": SELL, "unsell": UNSELL,
    "load_sold": LOAD_SOLD, "unpaid": UNPAID, "open_checkout": OPEN_CHECKOUT,
    "change_checkouts": CHANGE_CHECKOUTS, "load_checkouts": LOAD_CHECKOUTS,
    "cache_if_unchanged": CACHE_IF_UNCHANGED, "invalidate_seat_map": INVALIDATE_SEAT_MAP,
}.items()}
# What EVALSHA names each script by: the SHA1 of its text, as Redis computes it on loading.
_SHAS = {name: sha1(source.encode()).hexdigest() for name, source in _SOURCES.items()}


class Call(NamedTuple):
    """One run of a script, for :func:`run_together`."""

    name: str
    keys: list[str]
    args: list[Any]


def run(name: str, keys: list[str], args: list[Any]) -> Any:
    """Run script ``name`` with EVALSHA (loading it once per app and Redis client)."""
    return _script(name)(keys=keys, args=args)


def run_together(calls: list[Call], *, get: str | None = None) -> list[Any]:
    """Run the scripts of ``calls`` in order in one round trip, after GET ``get`` if given:
    their answers (the GET's value first).

    The scripts may touch keys of different hash slots: each is atomic, the batch is not.
    """
    answers: list[Any] = [None] * len(calls)
    pending = list(range(len(calls)))
    value = None
    client = redis_client.client
    for _ in range(2):
        pipe = client.pipeline(transaction=False)
        if get is not None:
            pipe.get(get)
        for index in pending:
            call = calls[index]
            pipe.evalsha(_SHAS[call.name], len(call.keys), *call.keys, *call.args)
        results = pipe.execute(raise_on_error=False)
        if get is not None:
            value = results.pop(0)
        missing = []
        for index, result in zip(pending, results, strict=True):
            if isinstance(result, NoScriptError):
                missing.append(index)
            elif isinstance(result, Exception):
                raise result
            else:
                answers[index] = result
        if not missing:
            return [value, *answers] if get is not None else answers
        # Redis restarted or dropped its scripts: load them, run again only what did not run.
        for name in {calls[index].name for index in missing}:
            client.script_load(_SOURCES[name])
        pending = missing
    raise RuntimeError(f"Redis keeps refusing the {calls[pending[0]].name} script")


def _script(name: str):
    scripts = current_app.extensions.setdefault("booking_scripts", {})
    script = scripts.get(name)
    if script is None:
        script = scripts[name] = redis_client.client.register_script(_SOURCES[name])
    return script
