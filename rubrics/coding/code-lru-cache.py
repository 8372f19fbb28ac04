"""Suite for code-lru-cache: an LRU cache with O(1) get and put."""

import random
import time
from collections import OrderedDict

from mockround_suite import case, edge, equal, expect

ENTRY = "LRUCache"
ALIASES = {"LRUCache": ("LRU", "LruCache", "Cache", "LRU_Cache")}
SIGNATURE = "class LRUCache: __init__(capacity), get(key) -> value or None, put(key, value)"


class Model:
    """The specification, for comparisons."""

    def __init__(self, capacity):
        self.capacity, self.d = capacity, OrderedDict()

    def get(self, key):
        if key not in self.d:
            return None
        self.d.move_to_end(key)
        return self.d[key]

    def put(self, key, value):
        if self.capacity <= 0:
            return
        self.d[key] = value
        self.d.move_to_end(key)
        if len(self.d) > self.capacity:
            self.d.popitem(last=False)


def replay(LRUCache, capacity, ops):
    """Run ops on the cache and the model; the first get that differs is the message."""
    cache, model = LRUCache(capacity), Model(capacity)
    done = []
    for op in ops:
        if op[0] == "put":
            cache.put(op[1], op[2])
            model.put(op[1], op[2])
            done.append(f"put({op[1]!r}, {op[2]!r})")
        else:
            got, want = cache.get(op[1]), model.get(op[1])
            done.append(f"get({op[1]!r})")
            if got != want:
                steps = "; ".join(done[-8:])
                raise AssertionError(f"capacity {capacity}, after {steps}: expected {want!r}, got {got!r}")


@case
def example(LRUCache):
    """the example: capacity 2, put a, put b, get a, put c evicts b"""
    c = LRUCache(2)
    c.put("a", 1)
    c.put("b", 2)
    equal(c.get("a"), 1, "get('a') after put a, put b")
    c.put("c", 3)
    equal(c.get("b"), None, "get('b') after put c evicted the least recently used key")
    equal(c.get("a"), 1, "get('a') (read just before put c, so it stays)")
    equal(c.get("c"), 3, "get('c')")


@case
def missing_key(LRUCache):
    """get on an empty cache returns None"""
    equal(LRUCache(3).get("nope"), None, "get of a key never put")


@edge
def get_refreshes(LRUCache):
    """a get counts as a use: put a, put b, get a, put c keeps a and evicts b"""
    replay(LRUCache, 2, [("put", "a", 1), ("put", "b", 2), ("get", "a"), ("put", "c", 3),
                         ("get", "a"), ("get", "b"), ("get", "c")])


@edge
def update_existing_key(LRUCache):
    """put on an existing key updates it, refreshes it, and evicts nothing"""
    replay(LRUCache, 2, [("put", "a", 1), ("put", "b", 2), ("put", "b", 20), ("get", "a"), ("get", "b"),
                         ("put", "a", 10), ("put", "c", 3), ("get", "b"), ("get", "a"), ("get", "c")])


@edge
def capacity_one(LRUCache):
    """capacity 1: every new key evicts the previous one"""
    replay(LRUCache, 1, [("put", "a", 1), ("get", "a"), ("put", "b", 2), ("get", "a"), ("get", "b"),
                         ("put", "b", 3), ("get", "b")])


@edge
def capacity_zero(LRUCache):
    """capacity 0 stores nothing and does not crash"""
    replay(LRUCache, 0, [("put", "a", 1), ("get", "a"), ("put", "b", 2), ("get", "b")])


@edge
def random_operations(LRUCache):
    """2,000 random gets and puts at capacity 5 agree with an OrderedDict model"""
    rng = random.Random(7)
    ops = []
    for _ in range(2000):
        key = rng.randrange(12)
        ops.append(("put", key, rng.randrange(100)) if rng.random() < 0.5 else ("get", key))
    replay(LRUCache, 5, ops)


def timed_ops(LRUCache, capacity, n=5_000):
    """Seconds for n gets and puts on a full cache of this capacity."""
    c = LRUCache(capacity)
    for i in range(capacity):
        c.put(i, i)
    start = time.perf_counter()
    for i in range(n):
        c.get(capacity - 1 - (i * 7919) % capacity)
        c.put(capacity + i, i)
    return time.perf_counter() - start, c


@edge(timeout=5)
def constant_time(LRUCache):
    """gets and puts cost about the same at capacity 20,000 as at 500: O(1), not O(n)"""
    small = min(timed_ops(LRUCache, 500)[0] for _ in range(3))
    large, c = timed_ops(LRUCache, 20_000)
    ratio = large / max(small, 1e-6)
    expect(ratio < 12, f"5,000 gets and puts took {large:.3f} s at capacity 20,000 against {small:.4f} s "
           f"at capacity 500 ({ratio:.0f} times slower): something in get or put is O(n)")
    equal(c.get(20_000 + 4_999), 4_999, "get of the newest key after the timing run")
    equal(c.get(0), None, "get of a key evicted long ago")


REFERENCE = '''
class Node:
    __slots__ = ("key", "value", "prev", "next")

    def __init__(self, key=None, value=None):
        self.key, self.value, self.prev, self.next = key, value, None, None


class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.map = {}
        self.head, self.tail = Node(), Node()          # sentinels: head.next is the newest
        self.head.next, self.tail.prev = self.tail, self.head

    def _unlink(self, node):
        node.prev.next, node.next.prev = node.next, node.prev

    def _push_front(self, node):
        node.prev, node.next = self.head, self.head.next
        self.head.next.prev = node
        self.head.next = node

    def get(self, key):
        node = self.map.get(key)
        if node is None:
            return None
        self._unlink(node)                              # a read is a use
        self._push_front(node)
        return node.value

    def put(self, key, value):
        if self.capacity <= 0:
            return
        node = self.map.get(key)
        if node is not None:
            node.value = value
            self._unlink(node)
            self._push_front(node)
            return
        if len(self.map) >= self.capacity:
            oldest = self.tail.prev
            self._unlink(oldest)
            del self.map[oldest.key]                    # the node knows its key
        node = Node(key, value)
        self.map[key] = node
        self._push_front(node)
'''

WRONG = {
    "get does not refresh recency": '''
from collections import OrderedDict

class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.d = OrderedDict()

    def get(self, key):
        return self.d.get(key)

    def put(self, key, value):
        if key in self.d:
            self.d.move_to_end(key)
        self.d[key] = value
        if len(self.d) > self.capacity:
            self.d.popitem(last=False)
''',
    "put on an existing key evicts when full": '''
from collections import OrderedDict

class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.d = OrderedDict()

    def get(self, key):
        if key not in self.d:
            return None
        self.d.move_to_end(key)
        return self.d[key]

    def put(self, key, value):
        if len(self.d) >= self.capacity and self.d:
            self.d.popitem(last=False)
        self.d[key] = value
        self.d.move_to_end(key)
''',
    "a list for the order: O(n) per operation": '''
class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.values = {}
        self.order = []

    def get(self, key):
        if key not in self.values:
            return None
        self.order.remove(key)
        self.order.append(key)
        return self.values[key]

    def put(self, key, value):
        if self.capacity <= 0:
            return
        if key in self.values:
            self.order.remove(key)
        elif len(self.values) >= self.capacity:
            oldest = self.order.pop(0)
            del self.values[oldest]
        self.values[key] = value
        self.order.append(key)
''',
}

STUB = '''
class LRUCache:
    def __init__(self, capacity):
        pass

    def get(self, key):
        pass

    def put(self, key, value):
        pass
'''
