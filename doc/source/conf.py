"""Sphinx configuration for imageplugin's documentation."""

project = 'imageplugin'
copyright = '2026, imageplugin developers'
extensions = [
    'cliff.sphinxext',
    'reno.sphinxext',
    'sphinx.ext.graphviz',
]
graphviz_output_format = 'svg'
# The CLI reference is generated from the command parsers.
autoprogram_cliff_application = 'openstack'
master_doc = 'index'
exclude_patterns = ['build']
html_theme = 'alabaster'
pygments_style = 'sphinx'
