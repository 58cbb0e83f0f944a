# Sphinx configuration of the manila_bk release notes (reno).

project = 'manila_bk release notes'
copyright = 'manila_bk developers'

extensions = [
    'reno.sphinxext',
]

html_theme = 'alabaster'
source_suffix = '.rst'
master_doc = 'index'
exclude_patterns = []
pygments_style = 'sphinx'
