//! `stripe-sdk-fake`: the fake Stripe as a server for tests in any language, used as
//! stripe-mock is; the program is the engine's (`stripe_sdk_fake_engine::command_line`).

fn main() -> std::process::ExitCode {
    stripe_sdk_fake_engine::command_line::main::<stripe_sdk_fake::Api>()
}
