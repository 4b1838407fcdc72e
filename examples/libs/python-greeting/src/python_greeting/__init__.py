"""Greetings shared by the Python example functions."""


def greet(name: str) -> str:
    return f"Hello, {name}!"
