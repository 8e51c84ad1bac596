"""A stand-in for Glance's tasks API on 127.0.0.1, for client-only costs.

Answers in microseconds and accepts any token, so that what is left of a
command's time is the client's own.  The numbers of run.py come from the
real local cloud; this serves the investigation (``run.py --stub``, or
``python benchmarks/stub_glance.py --tasks 1000`` in a shell, which prints
its URL and serves until interrupted).

- ``GET /`` and ``GET /versions``: a version document, as Glance;
- ``GET /v2/tasks/<id>``: the task; ``GET /v2/tasks``: pages of
  ``limit`` tasks (default 25, at most 1000) with ``next`` when full;
- ``POST /v2/tasks``: a new task, ``pending``, that fails ``--task-seconds``
  later; ``GET /v2/schemas/task``: a small schema.
"""

import argparse
import http.server
import json
import socket
import socketserver
import threading
import time
import urllib.parse
import uuid

OWNER = '3a6b4d692843432e91948c13701a95d3'


def _isotime(when):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(when))


class Tasks:
    def __init__(self, count, task_seconds):
        self.lock = threading.Lock()
        self.task_seconds = task_seconds
        self.tasks = {}
        self.order = []
        now = time.time()
        for i in range(count):
            self.add(now - count + i, ended=True)

    def add(self, created, ended=False, body=None):
        task_id = str(uuid.uuid4())
        body = body or {}
        with self.lock:
            self.tasks[task_id] = {
                'id': task_id, 'type': body.get('type', 'import'),
                'created': created,
                'ends': created if ended else created + self.task_seconds,
                'input': body.get('input') or {
                    'import_from': 'http://127.0.0.1:1/missing.qcow2',
                    'import_from_format': 'qcow2',
                    'image_properties': {'name': 'stub',
                                         'disk_format': 'qcow2',
                                         'container_format': 'bare'}},
            }
            self.order.insert(0, task_id)   # newest first, like Glance
        return task_id

    def view(self, task_id, full=True):
        task = self.tasks[task_id]
        ended = time.time() >= task['ends']
        status = 'failure' if ended else 'processing'
        updated = task['ends'] if ended else task['created']
        data = {
            'id': task_id, 'type': task['type'], 'status': status,
            'owner': OWNER, 'created_at': _isotime(task['created']),
            'updated_at': _isotime(updated),
            'expires_at': _isotime(task['ends'] + 172800) if ended else None,
            'self': f'/v2/tasks/{task_id}', 'schema': '/v2/schemas/task',
            'image_id': None, 'request_id': 'req-' + task_id,
            'user_id': '01a59a41840448378fd43613f37a628b',
        }
        if full:
            data.update({
                'input': task['input'], 'result': None,
                'message': ('Task failed due to Internal Error' if ended
                            else '')})
        return data


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    tasks = None
    requests = 0

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle and
        # the client's delayed ACK add 40 ms to every keep-alive answer.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, status, body):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):  # noqa: N802
        type(self).requests += 1
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip('/')
        if path in ('', '/versions', '/v2'):
            href = f'http://{self.headers.get("Host")}/v2/'
            self._send(300 if path != '/v2' else 200, {'versions': [
                {'id': 'v2.18', 'status': 'CURRENT',
                 'links': [{'rel': 'self', 'href': href}]}]})
        elif path == '/v2/tasks':
            self._list(urllib.parse.parse_qs(url.query))
        elif path.startswith('/v2/tasks/'):
            task_id = path.rsplit('/', 1)[1]
            if task_id in self.tasks.tasks:
                self._send(200, self.tasks.view(task_id))
            else:
                self._send(404, {'message': 'Could not find task'})
        elif path == '/v2/schemas/task':
            self._send(200, {'name': 'task', 'properties': {
                'type': {'type': 'string', 'enum': [
                    'import', 'api_image_import', 'location_import']}}})
        else:
            self._send(404, {'message': 'not found'})

    def _list(self, query):
        limit = min(int(query.get('limit', ['25'])[0]), 1000)
        marker = query.get('marker', [None])[0]
        order = self.tasks.order
        start = order.index(marker) + 1 if marker in order else 0
        page = order[start:start + limit]
        body = {'tasks': [self.tasks.view(t, full=False) for t in page],
                'first': f'/v2/tasks?limit={limit}',
                'schema': '/v2/schemas/tasks'}
        if len(page) == limit:
            body['next'] = f'/v2/tasks?limit={limit}&marker={page[-1]}'
        self._send(200, body)

    def do_POST(self):  # noqa: N802
        type(self).requests += 1
        length = int(self.headers.get('Content-Length') or 0)
        body = json.loads(self.rfile.read(length) or b'{}')
        task_id = self.tasks.add(time.time(), body=body)
        self._send(201, self.tasks.view(task_id))

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def serve(tasks=1000, task_seconds=2.0, port=0):
    """Start the stub in a thread; return (server, base URL)."""
    handler = type('StubHandler', (Handler,),
                   {'tasks': Tasks(tasks, task_seconds)})
    server = Server(('127.0.0.1', port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f'http://127.0.0.1:{server.server_address[1]}'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tasks', type=int, default=1000)
    parser.add_argument('--task-seconds', type=float, default=2.0)
    parser.add_argument('--port', type=int, default=0)
    args = parser.parse_args()
    server, url = serve(args.tasks, args.task_seconds, args.port)
    print(url, server.RequestHandlerClass.tasks.order[0], flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == '__main__':
    main()
