from python_greeting import greet


def test_greet():
    assert greet("nx") == "Hello, nx!"
