// The default theme is embedded with include_dir!; tell cargo to rebuild
// when any of its files change.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
