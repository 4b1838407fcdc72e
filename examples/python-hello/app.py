"""Lambda handler of the Python example: greets through the workspace library python-greeting."""
import json

from python_greeting import greet


def handler(event, context):
    name = (event or {}).get("name", "world")
    return {"statusCode": 200, "body": json.dumps({"message": greet(name)})}
