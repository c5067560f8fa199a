//! Mounts the islands of a server-rendered storefront page (see `vitrina_app::islands`).

fn main() {
    console_error_panic_hook::set_once();
    vitrina_app::islands::mount_islands();
}
