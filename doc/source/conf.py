# Sphinx configuration of the manila_bk documentation.

# Import manila_bk before any extension imports oslo.messaging: the package
# selects oslo.service's threading backend (see manila_bk/__init__.py), and
# importing oslo.messaging first would select the eventlet one.
import manila_bk  # noqa: F401

project = 'manila_bk'
copyright = 'manila_bk developers'

# show-options (oslo_config) and show-policy (oslo_policy) read the
# installed package's oslo.config.opts and oslo.policy.policies entry points
# (tox -e docs installs it).
extensions = [
    'oslo_config.sphinxext',
    'oslo_policy.sphinxext',
]

# Sphinx's default theme.  openstackdocstheme installs here, but it brands
# every page as docs.openstack.org (OpenStack navigation, a CC-BY licence
# footer, Gerrit CLA links), which manila_bk is not.
html_theme = 'alabaster'
html_title = 'manila_bk documentation'
html_theme_options = {
    'description': 'Manila-compatible share backup, restore and revert',
    'fixed_sidebar': True,
}

source_suffix = '.rst'
master_doc = 'index'
exclude_patterns = []
pygments_style = 'sphinx'
