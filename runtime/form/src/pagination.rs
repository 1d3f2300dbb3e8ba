//! What paginated operations' params implement: the generated impls set the cursor that
//! `stripe-sdk-client`'s streams fetch the next page with.

/// List params that can start after an object: generated for every list operation.
pub trait ListParams: Clone {
    fn set_starting_after(&mut self, id: String);
}

/// Search params that take a page cursor: generated for every search operation.
pub trait SearchParams: Clone {
    fn set_page(&mut self, page: String);
}
