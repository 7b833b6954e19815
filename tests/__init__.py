"""The test suite.

Passwords: the suite signs in thousands of times, and each argon2 verification with the
production parameters (64 MiB, 3 passes, 4 lanes) costs a third of a second on a busy
machine. Tests hash and verify with argon2id at its cheapest instead; production keeps
its parameters (coachhub/security.py), and nothing here is imported by the app.
"""

from argon2 import PasswordHasher

from coachhub import security

security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
security._DUMMY_HASH = security._hasher.hash("not-a-real-password")
