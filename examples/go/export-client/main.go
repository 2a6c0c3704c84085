// A FluxQuery Export client in Go (standard library only), written from docs/signing.md.
//
// Usage:  go run ./examples/go/export-client QUERY [FORMAT] [COMPRESSION]
//
//	go run ./examples/go/export-client --check-vectors docs/signing-vectors.json
//
// Environment: BASE_URL (http://127.0.0.1:8080), API_SECRET (devsecret), KEY_ID (default), EMAIL.
// Signs every request (v2), submits, polls at most once a second, prints the download link,
// fetches the file into the current folder, checks its sha256, and exits 0 only when it has it.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func signV1(secret, method, path, body, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strings.ToUpper(method) + path + body + timestamp))
	return hex.EncodeToString(mac.Sum(nil))
}

func signV2(secret, keyID, method, path, query, timestamp, nonce string, body []byte) string {
	bodyHash := sha256.Sum256(body)
	lines := []string{"v2", strings.ToUpper(method), path, query, timestamp, nonce, keyID, hex.EncodeToString(bodyHash[:])}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strings.Join(lines, "\n")))
	return "v2=" + hex.EncodeToString(mac.Sum(nil))
}

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

type client struct{ baseURL, secret, keyID string }

func (c client) call(method, url string, body []byte, into interface{}) (int, error) {
	path, query := url, ""
	if i := strings.Index(url, "?"); i >= 0 {
		path, query = url[:i], url[i+1:]
	}
	nonceBytes := make([]byte, 16)
	if _, err := rand.Read(nonceBytes); err != nil {
		return 0, err
	}
	timestamp := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := hex.EncodeToString(nonceBytes)
	request, err := http.NewRequest(method, c.baseURL+url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if len(body) > 0 {
		request.Header.Set("Content-Type", "application/json")
	}
	request.Header.Set("X-Key-Id", c.keyID)
	request.Header.Set("X-Timestamp", timestamp)
	request.Header.Set("X-Nonce", nonce)
	request.Header.Set("X-Signature", signV2(c.secret, c.keyID, method, path, query, timestamp, nonce, body))
	response, err := (&http.Client{Timeout: 30 * time.Second}).Do(request)
	if err != nil {
		return 0, err
	}
	defer response.Body.Close()
	return response.StatusCode, json.NewDecoder(response.Body).Decode(into)
}

type status struct {
	JobID    string `json:"job_id"`
	Status   string `json:"status"`
	Progress struct {
		Rows int64 `json:"rows"`
	} `json:"progress"`
	Result *struct {
		DownloadURL string `json:"download_url"`
		SHA256      string `json:"sha256"`
		FileName    string `json:"file_name"`
	} `json:"result"`
	Error json.RawMessage `json:"error"`
}

func run(args []string) int {
	query := "SELECT * FROM users LIMIT 10"
	if len(args) > 0 {
		query = args[0]
	}
	request := map[string]string{"query": query, "email": env("EMAIL", "admin@example.com"), "format": "csv"}
	if len(args) > 1 {
		request["format"] = args[1]
	}
	if len(args) > 2 {
		request["compression"] = args[2]
	}
	// encoding/json escapes quotes, backslashes and control characters: any query text is safe.
	body, _ := json.Marshal(request)
	c := client{env("BASE_URL", "http://127.0.0.1:8080"), env("API_SECRET", "devsecret"), env("KEY_ID", "default")}
	var created map[string]interface{}
	code, err := c.call("POST", "/export", body, &created)
	fmt.Println("POST /export", code, created)
	if err != nil || code != 202 {
		fmt.Fprintln(os.Stderr, "the export was not accepted", err)
		return 1
	}
	jobID, _ := created["job_id"].(string)
	var job status
	for {
		job = status{}
		code, err = c.call("GET", "/export/"+jobID, nil, &job)
		if err != nil || (code != 200 && code != 429 && code != 503) {
			fmt.Fprintln(os.Stderr, "GET /export/"+jobID, code, err)
			return 1
		}
		if code == 200 {
			fmt.Println(job.Status, "rows="+strconv.FormatInt(job.Progress.Rows, 10))
			if job.Status == "COMPLETED" || job.Status == "FAILED" || job.Status == "CANCELLED" {
				break
			}
		}
		time.Sleep(time.Second)
	}
	if job.Status != "COMPLETED" || job.Result == nil {
		fmt.Fprintln(os.Stderr, "the export ended", job.Status, string(job.Error))
		return 1
	}
	fmt.Println("download link:", job.Result.DownloadURL)
	// The link carries its own credential and may redirect to S3; net/http follows the redirect.
	response, err := (&http.Client{Timeout: 5 * time.Minute}).Get(job.Result.DownloadURL)
	if err != nil || response.StatusCode != 200 {
		fmt.Fprintln(os.Stderr, "the download failed", err)
		return 1
	}
	defer response.Body.Close()
	data, err := io.ReadAll(response.Body)
	if err != nil {
		fmt.Fprintln(os.Stderr, "the download failed", err)
		return 1
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != job.Result.SHA256 {
		fmt.Fprintln(os.Stderr, "the file's sha256 does not match the status")
		return 1
	}
	if err := os.WriteFile(job.Result.FileName, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("downloaded %s: %d bytes, sha256 matches\n", job.Result.FileName, len(data))
	return 0
}

func checkVectors(path string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var vectors map[string][]map[string]string
	if err := json.Unmarshal(raw, &vectors); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	failed := 0
	report := func(scheme string, v map[string]string, got string) {
		mark := "ok  "
		if got != v["signature"] {
			mark = "FAIL"
			failed++
		}
		fmt.Printf("%s %s %s\n", mark, scheme, v["name"])
	}
	for _, v := range vectors["v1"] {
		report("v1", v, signV1(v["secret"], v["method"], v["path"], v["body"], v["timestamp"]))
	}
	for _, v := range vectors["v2"] {
		report("v2", v, signV2(v["secret"], v["keyId"], v["method"], v["path"], v["query"], v["timestamp"], v["nonce"], []byte(v["body"])))
	}
	if failed > 0 {
		return 1
	}
	return 0
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == "--check-vectors" {
		os.Exit(checkVectors(os.Args[2]))
	}
	os.Exit(run(os.Args[1:]))
}
