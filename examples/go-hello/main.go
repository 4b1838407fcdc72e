// go-hello: a provided.al2023 function speaking the Lambda Runtime API with the standard library
// (aws-lambda-go works the same way; this keeps the example dependency-free).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"

	greeting "example.com/go-greeting"
)

type request struct {
	Name string `json:"name"`
}

type response struct {
	Message string `json:"message"`
}

func handle(payload []byte) ([]byte, error) {
	var req request
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &req); err != nil {
			return nil, err
		}
	}
	return json.Marshal(response{Message: greeting.For(req.Name)})
}

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime"
	for {
		next, err := http.Get(api + "/invocation/next")
		if err != nil {
			fmt.Fprintln(os.Stderr, "runtime API unreachable:", err)
			os.Exit(1)
		}
		id := next.Header.Get("Lambda-Runtime-Aws-Request-Id")
		payload, _ := io.ReadAll(next.Body)
		next.Body.Close()
		out, err := handle(payload)
		path := "/invocation/" + id + "/response"
		if err != nil {
			path = "/invocation/" + id + "/error"
			out, _ = json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "BadRequest"})
		}
		if res, err := http.Post(api+path, "application/json", bytes.NewReader(out)); err == nil {
			res.Body.Close()
		}
	}
}
