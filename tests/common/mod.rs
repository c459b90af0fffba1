pub mod cdnow;
