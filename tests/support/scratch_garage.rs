//! A single-node Garage with a fresh pair of buckets, for scripts (`tests/load/s3-upload-bench.sh`):
//! prints the environment of a `server` using them (`MEDIA_STORE=s3`, `S3_*`) as `NAME=value`
//! lines, then `ready`, and runs until its standard input closes; Garage and its folder go
//! with it (`tests::garage`).

use std::io::Write as _;

fn main() -> std::io::Result<()> {
    let garage = tests::garage::Garage::start();
    let buckets = garage.buckets();
    let mut out = std::io::stdout().lock();
    for (name, value) in buckets.env() {
        writeln!(out, "{name}={value}")?;
    }
    writeln!(out, "ready")?;
    out.flush()?;
    drop(out);
    std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink())?;
    drop(garage);
    Ok(())
}
