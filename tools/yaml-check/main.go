// yaml-check reads YAML the way Kubernetes does (sigs.k8s.io/yaml, a YAML 1.1 reader) and
// compares each document with the value it was written from.
//
// Input on stdin: a JSON array of cases {"name": "...", "yaml": "<one document>", "json":
// <the value written>}. Output: one JSON line per case whose YAML reads back differently or
// not at all; the exit status is 1 if there is any, 2 on bad input.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"

	"sigs.k8s.io/yaml"
)

type testCase struct {
	Name string          `json:"name"`
	YAML string          `json:"yaml"`
	JSON json.RawMessage `json:"json"`
}

type mismatch struct {
	Name  string          `json:"name"`
	YAML  string          `json:"yaml"`
	Want  json.RawMessage `json:"want"`
	Got   json.RawMessage `json:"got,omitempty"`
	Error string          `json:"error,omitempty"`
}

func decode(data []byte) (interface{}, error) {
	var v interface{}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return normalize(v), nil
}

// normalize turns numbers into float64 so that 1 and 1.0 compare equal, as in JavaScript.
func normalize(v interface{}) interface{} {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String()
		}
		return f
	case map[string]interface{}:
		for k, x := range t {
			t[k] = normalize(x)
		}
	case []interface{}:
		for i, x := range t {
			t[i] = normalize(x)
		}
	}
	return v
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "yaml-check:", err)
		os.Exit(2)
	}
	var cases []testCase
	if err := json.Unmarshal(input, &cases); err != nil {
		fmt.Fprintln(os.Stderr, "yaml-check: input is not a JSON array of cases:", err)
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	bad := 0
	for _, c := range cases {
		want, err := decode(c.JSON)
		if err != nil {
			fmt.Fprintf(os.Stderr, "yaml-check: case %q: bad json: %v\n", c.Name, err)
			os.Exit(2)
		}
		got, err := yaml.YAMLToJSON([]byte(c.YAML))
		if err != nil {
			bad++
			_ = out.Encode(mismatch{Name: c.Name, YAML: c.YAML, Want: c.JSON, Error: err.Error()})
			continue
		}
		value, err := decode(got)
		if err != nil || !reflect.DeepEqual(value, want) {
			bad++
			_ = out.Encode(mismatch{Name: c.Name, YAML: c.YAML, Want: c.JSON, Got: got})
		}
	}
	fmt.Fprintf(os.Stderr, "yaml-check: %d documents, %d read back differently\n", len(cases), bad)
	if bad > 0 {
		os.Exit(1)
	}
}
