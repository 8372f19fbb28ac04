"""Suite for code-grid-bfs: the fewest moves for a robot on a grid, or -1."""

import time
from collections import deque

from mockround_suite import case, edge, equal, expect

ENTRY = "min_moves"
ALIASES = {"min_moves": ("shortest_path", "min_steps", "bfs")}
SIGNATURE = "min_moves(grid, start, goal) -> int (-1 if unreachable)"

EXAMPLE = [[0, 0, 0, 0],
           [1, 1, 0, 1],
           [0, 0, 0, 0],
           [0, 1, 1, 0]]


def bfs(grid, start, goal):
    rows, cols = len(grid), len(grid[0])
    if grid[start[0]][start[1]] or grid[goal[0]][goal[1]]:
        return -1
    dist = {tuple(start): 0}
    queue = deque([tuple(start)])
    while queue:
        r, c = queue.popleft()
        if (r, c) == tuple(goal):
            return dist[(r, c)]
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and not grid[nr][nc] and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                queue.append((nr, nc))
    return -1


def check(min_moves, grid, start, goal, what):
    copy = [row[:] for row in grid]
    equal(min_moves(copy, start, goal), bfs(grid, start, goal), what)


@case
def example(min_moves):
    """the example: (0, 0) to (3, 0) takes 7 moves"""
    check(min_moves, EXAMPLE, (0, 0), (3, 0), "min_moves(example, (0, 0), (3, 0))")


@case
def open_grid(min_moves):
    """a 5 x 6 open grid: the Manhattan distance"""
    check(min_moves, [[0] * 6 for _ in range(5)], (0, 0), (4, 5), "min_moves(open 5 x 6, (0, 0), (4, 5))")


@edge
def start_is_goal(min_moves):
    """start == goal is 0 moves"""
    check(min_moves, EXAMPLE, (2, 2), (2, 2), "min_moves(example, (2, 2), (2, 2))")


@edge
def single_cell(min_moves):
    """a 1 x 1 grid"""
    check(min_moves, [[0]], (0, 0), (0, 0), "min_moves([[0]], (0, 0), (0, 0))")


@edge
def walled_in_goal(min_moves):
    """a goal surrounded by walls gives -1"""
    grid = [[0, 0, 0], [0, 1, 1], [0, 1, 0]]
    check(min_moves, grid, (0, 0), (2, 2), "min_moves(goal walled in, (0, 0), (2, 2))")


@edge
def goal_on_a_wall(min_moves):
    """a goal that is a wall gives -1, and so does a start on a wall"""
    check(min_moves, EXAMPLE, (0, 0), (1, 0), "min_moves(example, (0, 0), goal on the wall (1, 0))")
    check(min_moves, EXAMPLE, (1, 1), (0, 0), "min_moves(example, start on the wall (1, 1), (0, 0))")


@edge
def no_wrapping_at_the_edges(min_moves):
    """moves stop at the border: index -1 must not wrap to the far side"""
    grid = [[0, 1, 0],
            [0, 1, 0],
            [0, 0, 0]]
    check(min_moves, grid, (0, 0), (0, 2), "min_moves(wall down the middle, (0, 0), (0, 2))")
    check(min_moves, [[0, 1, 0]], (0, 0), (0, 2), "min_moves([[0, 1, 0]], (0, 0), (0, 2))")


@edge
def detour_beats_depth_first(min_moves):
    """the shortest path, not the first one found depth-first"""
    grid = [[0, 0, 0, 0, 0],
            [0, 1, 1, 1, 0],
            [0, 0, 0, 1, 0],
            [1, 1, 0, 1, 0],
            [0, 0, 0, 0, 0]]
    check(min_moves, grid, (0, 0), (4, 4), "min_moves(two routes, (0, 0), (4, 4))")
    check(min_moves, grid, (2, 2), (0, 4), "min_moves(two routes, (2, 2), (0, 4))")


@edge(timeout=5)
def large_open_grid(min_moves):
    """a 300 x 300 open grid corner to corner in under 2 s (each cell queued once)"""
    grid = [[0] * 300 for _ in range(300)]
    start = time.perf_counter()
    got = min_moves(grid, (0, 0), (299, 299))
    took = time.perf_counter() - start
    equal(got, 598, "min_moves(open 300 x 300, corner to corner)")
    expect(took < 2.0, f"a 300 x 300 open grid took {took:.1f} s: are cells queued more than once?")


REFERENCE = '''
from collections import deque

def min_moves(grid, start, goal):
    rows, cols = len(grid), len(grid[0]) if grid else 0
    (sr, sc), (gr, gc) = start, goal
    if grid[sr][sc] == 1 or grid[gr][gc] == 1:
        return -1
    seen = [[False] * cols for _ in range(rows)]
    seen[sr][sc] = True                          # marked when queued, so queued once
    queue = deque([(sr, sc, 0)])
    while queue:
        r, c, d = queue.popleft()
        if (r, c) == (gr, gc):
            return d
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and not seen[nr][nc] and grid[nr][nc] == 0:
                seen[nr][nc] = True
                queue.append((nr, nc, d + 1))
    return -1
'''

WRONG = {
    "depth-first search returns the first path it finds": '''
def min_moves(grid, start, goal):
    rows, cols = len(grid), len(grid[0])
    if grid[start[0]][start[1]] or grid[goal[0]][goal[1]]:
        return -1
    seen = {tuple(start)}
    stack = [(start[0], start[1], 0)]
    while stack:
        r, c, d = stack.pop()
        if (r, c) == tuple(goal):
            return d
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == 0 and (nr, nc) not in seen:
                seen.add((nr, nc))
                stack.append((nr, nc, d + 1))
    return -1
''',
    "no lower bound check: index -1 wraps around": '''
from collections import deque

def min_moves(grid, start, goal):
    rows, cols = len(grid), len(grid[0])
    if grid[start[0]][start[1]] or grid[goal[0]][goal[1]]:
        return -1
    seen = {tuple(start)}
    queue = deque([(start[0], start[1], 0)])
    while queue:
        r, c, d = queue.popleft()
        if (r, c) == tuple(goal):
            return d
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if nr < rows and nc < cols and grid[nr][nc] == 0 and (nr % rows, nc % cols) not in seen:
                seen.add((nr % rows, nc % cols))
                queue.append((nr % rows, nc % cols, d + 1))
    return -1
''',
    "counts cells on the path instead of moves": '''
from collections import deque

def min_moves(grid, start, goal):
    rows, cols = len(grid), len(grid[0])
    if grid[start[0]][start[1]] or grid[goal[0]][goal[1]]:
        return -1
    seen = {tuple(start)}
    queue = deque([(start[0], start[1], 1)])
    while queue:
        r, c, d = queue.popleft()
        if (r, c) == tuple(goal):
            return d
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == 0 and (nr, nc) not in seen:
                seen.add((nr, nc))
                queue.append((nr, nc, d + 1))
    return -1
''',
}

STUB = '''
def min_moves(grid, start, goal):
    pass
'''
