"""Crash and concurrency trials (`samsyn trial crash|concurrency`, issue 13 point 6).

Each trial runs the real web server on a data folder of its own, drives saves through HTTP as a
signed-in staff member, and checks what the database kept against what the server acknowledged.
Nothing here is imported by the apps: it only talks to them over HTTP and reads the trial's own
database.
"""
