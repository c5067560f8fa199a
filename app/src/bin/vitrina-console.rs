//! Mounts the staff and marketer pages (`console.html`): the marketer console and the staff desk.
//! A separate bundle so shoppers never download it.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(vitrina_app::ConsoleApp);
}
