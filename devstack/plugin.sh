#!/bin/bash
# plugin.sh: the devstack plugin of manila_bk.
#
# stack.sh sources this file with the phase as arguments; the functions
# are in lib/manila_bk, the variables in settings.
#
#   stack install       install_manila_bk
#   stack post-config   configure_manila_bk, RabbitMQ user, Keystone
#                       service and endpoints, database
#   stack extra         start the services, default share type
#   unstack             stop the services
#   clean               remove configuration and state

MANILA_BK_PLUGIN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/manila_bk
source "$MANILA_BK_PLUGIN_DIR/lib/manila_bk"

if is_service_enabled mbk-api mbk-shr mbk-dat; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing manila_bk"
        install_manila_bk
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring manila_bk"
        configure_manila_bk
        create_manila_bk_rabbit_user
        create_manila_bk_accounts
        init_manila_bk
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Starting manila_bk"
        start_manila_bk
        create_manila_bk_default_share_type
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_manila_bk
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_manila_bk
    fi
fi
