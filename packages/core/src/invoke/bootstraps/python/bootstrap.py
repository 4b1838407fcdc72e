# nx-lambda local bootstrap for Lambda's Python runtimes.
# Loads the handler as Lambda does ("pkg/mod.func" or "pkg.mod.func": the module is everything
# before the last dot), then serves events from the Runtime API in AWS_LAMBDA_RUNTIME_API.
import importlib
import json
import os
import sys
import time
import traceback
import urllib.request

API = "http://%s/2018-06-01/runtime" % os.environ["AWS_LAMBDA_RUNTIME_API"]
TASK_ROOT = os.environ["LAMBDA_TASK_ROOT"]
HANDLER = os.environ.get("_HANDLER", "")


def post(path, payload, error_type=None):
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    req = urllib.request.Request(API + path, data=payload, headers=headers, method="POST")
    with urllib.request.urlopen(req) as res:
        res.read()


def error_body(exc, error_type=None, message=None):
    frames = traceback.extract_tb(exc.__traceback__) if exc is not None else []
    return {
        "errorMessage": message if message is not None else str(exc),
        "errorType": error_type or type(exc).__name__,
        "stackTrace": [line.rstrip("\n") for line in traceback.format_list(frames)],
    }


class InitFailure(Exception):
    def __init__(self, body):
        super().__init__(body["errorMessage"])
        self.body = body


def load_handler():
    try:
        module_name, func_name = HANDLER.rsplit(".", 1)
    except ValueError:
        raise InitFailure({"errorMessage": "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % HANDLER,
                           "errorType": "Runtime.MalformedHandlerName", "stackTrace": []})
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InitFailure(error_body(exc, "Runtime.ImportModuleError",
                                     "Unable to import module '%s': %s" % (module_name, exc)))
    except SyntaxError as exc:
        raise InitFailure(error_body(exc, "Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, exc)))
    except Exception as exc:
        raise InitFailure(error_body(exc))
    func = getattr(module, func_name, None)
    if not callable(func):
        raise InitFailure({"errorMessage": "Handler '%s' missing on module '%s'" % (func_name, module_name),
                           "errorType": "Runtime.HandlerNotFound", "stackTrace": []})
    return func


class LambdaContext:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def main():
    # Lambda puts the task root first on sys.path.
    if TASK_ROOT not in sys.path:
        sys.path.insert(0, TASK_ROOT)
    try:
        handler = load_handler()
    except InitFailure as failure:
        print("[ERROR] %s: %s" % (failure.body["errorType"], failure.body["errorMessage"]), file=sys.stderr)
        post("/init/error", json.dumps(failure.body).encode(), failure.body["errorType"])
        sys.exit(1)
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as res:
            request_id = res.headers["Lambda-Runtime-Aws-Request-Id"]
            headers = res.headers
            event = json.loads(res.read() or b"null")
        try:
            result = handler(event, LambdaContext(headers))
            payload = json.dumps(result).encode()
        except Exception as exc:
            body = error_body(exc)
            print("[ERROR] %s: %s" % (body["errorType"], body["errorMessage"]), file=sys.stderr)
            traceback.print_exc()
            post("/invocation/%s/error" % request_id, json.dumps(body).encode(), body["errorType"])
            continue
        post("/invocation/%s/response" % request_id, payload)


if __name__ == "__main__":
    main()
