# SPDX-License-Identifier: Apache-2.0
"""Task documents as the two dialects of the API return them."""

from tests.unit.base import TASK_ID

# The response of the seed page (Rackspace Cloud Images), verbatim.
RACKSPACE_PENDING = {
    'created_at': '2014-02-26T02:58:46Z',
    'id': TASK_ID,
    'input': {
        'image_properties': {'name': 'My excellent custom image'},
        'import_from': 'exports/my-excellent-image.vhd',
    },
    'message': 'None',
    'owner': '00000123',
    'schema': '/v2/schemas/task',
    'self': '/v2/tasks/' + TASK_ID,
    'status': 'pending',
    'type': 'import',
    'updated_at': '2014-02-26T02:58:46Z',
}

GLANCE_INPUT = {
    'import_from': 'http://127.0.0.1:8000/cirros.qcow2',
    'import_from_format': 'qcow2',
    'image_properties': {
        'name': 'cirros',
        'disk_format': 'qcow2',
        'container_format': 'bare',
    },
}

# An upstream Glance 33 task that ended well.
GLANCE_SUCCESS = {
    'id': TASK_ID,
    'type': 'import',
    'status': 'success',
    'owner': '4a2c6a1e3f0b4c3d9e8f7a6b5c4d3e2f',
    'expires_at': '2026-11-29T10:00:01.000000',
    'created_at': '2026-11-27T10:00:00Z',
    'updated_at': '2026-11-27T10:00:01Z',
    'self': '/v2/tasks/' + TASK_ID,
    'schema': '/v2/schemas/task',
    'input': GLANCE_INPUT,
    'result': {'image_id': '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11'},
    'message': '',
    'image_id': '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11',
    'request_id': 'req-5a0c1f53-6d51-4b0a-a5d6-3f4e2c1b0a99',
    'user_id': '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
}

SCHEMA_URL = '/v2/schemas/task'
# Glance's version document, at its root (abridged).
GLANCE_VERSIONS = {
    'versions': [
        {
            'id': f'v2.{minor}',
            'status': 'SUPPORTED',
            'links': [{'rel': 'self', 'href': 'http://127.0.0.1:9292/v2/'}],
        }
        for minor in (18, 17, 0)
    ]
}
# The type enums of the task schemas (all the dialect is told by).
GLANCE_TASK_SCHEMA = {
    'properties': {
        'type': {'enum': ['import', 'api_image_import', 'location_import']}
    }
}
RACKSPACE_TASK_SCHEMA = {
    'properties': {'type': {'enum': ['import', 'export']}}
}

EXPORTED_IMAGE_ID = 'ca5e7f11-5d57-4dd7-8ace-03ab647fe6c6'

# Rackspace's answers about an export task, shaped as its API reference
# shows them: "message" is the string "None" until something fails, and
# expires_at appears only once the task has ended.
RACKSPACE_EXPORT_PENDING = {
    'created_at': '2014-02-26T02:01:13Z',
    'id': TASK_ID,
    'input': {
        'image_uuid': EXPORTED_IMAGE_ID,
        'receiving_swift_container': 'exports',
    },
    'message': 'None',
    'owner': '00000123',
    'schema': '/v2/schemas/task',
    'self': '/v2/tasks/' + TASK_ID,
    'status': 'pending',
    'type': 'export',
    'updated_at': '2014-02-26T02:01:13Z',
}
RACKSPACE_EXPORT_SUCCESS = dict(
    RACKSPACE_EXPORT_PENDING,
    status='success',
    expires_at='2014-02-28T02:16:50Z',
    updated_at='2014-02-26T02:16:50Z',
    result={'export_location': f'exports/{EXPORTED_IMAGE_ID}.vhd'},
)
RACKSPACE_EXPORT_FAILURE = dict(
    RACKSPACE_EXPORT_PENDING,
    status='failure',
    expires_at='2014-02-28T02:25:12Z',
    updated_at='2014-02-26T02:25:12Z',
    message=f"Swift already has an object with id '{EXPORTED_IMAGE_ID}.vhd' "
    "in container 'exports'",
)


def rackspace_list_entry(task_id, status='processing', task_type='export'):
    """A task as Rackspace lists it: no input, result, message or
    expires_at."""
    return {
        'created_at': '2014-02-26T02:04:18Z',
        'id': task_id,
        'owner': '00000123',
        'schema': '/v2/schemas/task',
        'self': '/v2/tasks/' + task_id,
        'status': status,
        'type': task_type,
        'updated_at': '2014-02-26T02:04:18Z',
    }
