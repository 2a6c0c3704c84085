<?php
// A FluxQuery Export client in PHP with curl, written from docs/signing.md.
//
// Usage:  php examples/php/export-client.php QUERY [FORMAT] [COMPRESSION]
//         php examples/php/export-client.php --check-vectors docs/signing-vectors.json
// Environment: BASE_URL (http://127.0.0.1:8080), API_SECRET (devsecret), KEY_ID (default), EMAIL.
// Signs every request (v2), submits, polls at most once a second, prints the download link,
// fetches the file into the current folder, checks its sha256, and exits 0 only when it has it.

function sign_v1(string $secret, string $method, string $path, string $body, string $timestamp): string
{
    return hash_hmac('sha256', strtoupper($method) . $path . $body . $timestamp, $secret);
}

function sign_v2(string $secret, string $keyId, string $method, string $path, string $query, string $timestamp, string $nonce, string $body): string
{
    $lines = ['v2', strtoupper($method), $path, $query, $timestamp, $nonce, $keyId, hash('sha256', $body)];
    return 'v2=' . hash_hmac('sha256', implode("\n", $lines), $secret);
}

function env(string $name, string $fallback): string
{
    $value = getenv($name);
    return $value === false || $value === '' ? $fallback : $value;
}

/** One signed call; returns [status, decoded JSON]. */
function call(string $method, string $url, string $body = ''): array
{
    $keyId = env('KEY_ID', 'default');
    $parts = explode('?', $url, 2);
    $timestamp = (string) time();
    $nonce = bin2hex(random_bytes(16));
    $headers = [
        'X-Key-Id: ' . $keyId,
        'X-Timestamp: ' . $timestamp,
        'X-Nonce: ' . $nonce,
        'X-Signature: ' . sign_v2(env('API_SECRET', 'devsecret'), $keyId, $method, $parts[0], $parts[1] ?? '', $timestamp, $nonce, $body),
    ];
    if ($body !== '') {
        $headers[] = 'Content-Type: application/json';
    }
    $curl = curl_init(rtrim(env('BASE_URL', 'http://127.0.0.1:8080'), '/') . $url);
    curl_setopt_array($curl, [
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_HTTPHEADER => $headers,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 30,
    ]);
    if ($body !== '') {
        curl_setopt($curl, CURLOPT_POSTFIELDS, $body);
    }
    $answer = curl_exec($curl);
    $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
    curl_close($curl);
    return [$status, $answer === false ? null : json_decode($answer, true)];
}

function run(array $args): int
{
    $request = ['query' => $args[0] ?? 'SELECT * FROM users LIMIT 10', 'email' => env('EMAIL', 'admin@example.com'), 'format' => $args[1] ?? 'csv'];
    if (isset($args[2])) {
        $request['compression'] = $args[2];
    }
    // json_encode escapes quotes, backslashes and control characters: any query text is safe.
    [$status, $created] = call('POST', '/export', json_encode($request, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR));
    echo 'POST /export ', $status, ' ', json_encode($created), "\n";
    if ($status !== 202) {
        return 1;
    }
    $jobId = $created['job_id'];
    while (true) {
        [$status, $job] = call('GET', '/export/' . $jobId);
        if ($status === 200) {
            echo $job['status'], ' rows=', $job['progress']['rows'], "\n";
            if (in_array($job['status'], ['COMPLETED', 'FAILED', 'CANCELLED'], true)) {
                break;
            }
        } elseif ($status !== 429 && $status !== 503) {
            fwrite(STDERR, "GET /export/$jobId $status " . json_encode($job) . "\n");
            return 1;
        }
        sleep(1);
    }
    if ($job['status'] !== 'COMPLETED') {
        fwrite(STDERR, 'the export ended ' . $job['status'] . ': ' . json_encode($job['error']) . "\n");
        return 1;
    }
    $result = $job['result'];
    echo 'download link: ', $result['download_url'], "\n";
    // The link carries its own credential and may redirect to S3: follow it.
    $curl = curl_init($result['download_url']);
    curl_setopt_array($curl, [CURLOPT_RETURNTRANSFER => true, CURLOPT_FOLLOWLOCATION => true, CURLOPT_TIMEOUT => 300]);
    $data = curl_exec($curl);
    $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
    curl_close($curl);
    if ($data === false || $status !== 200 || hash('sha256', $data) !== $result['sha256']) {
        fwrite(STDERR, "the download failed, or its sha256 does not match the status\n");
        return 1;
    }
    file_put_contents($result['file_name'], $data);
    echo 'downloaded ', $result['file_name'], ': ', strlen($data), " bytes, sha256 matches\n";
    return 0;
}

function check_vectors(string $path): int
{
    $vectors = json_decode(file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    $failed = 0;
    foreach ($vectors['v1'] as $v) {
        $ok = sign_v1($v['secret'], $v['method'], $v['path'], $v['body'], $v['timestamp']) === $v['signature'];
        $failed += $ok ? 0 : 1;
        echo $ok ? 'ok  ' : 'FAIL', ' v1 ', $v['name'], "\n";
    }
    foreach ($vectors['v2'] as $v) {
        $ok = sign_v2($v['secret'], $v['keyId'], $v['method'], $v['path'], $v['query'], $v['timestamp'], $v['nonce'], $v['body']) === $v['signature'];
        $failed += $ok ? 0 : 1;
        echo $ok ? 'ok  ' : 'FAIL', ' v2 ', $v['name'], "\n";
    }
    return $failed === 0 ? 0 : 1;
}

$args = array_slice($argv, 1);
if (($args[0] ?? '') === '--check-vectors') {
    exit(check_vectors($args[1]));
}
exit(run($args));
