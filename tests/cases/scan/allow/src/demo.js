// The documented demo key of a sandbox project, allowed by its fingerprint.
const demo = "AQ.Kx2pQw9Zt4Yv7Mn1Lc3Hb5Gd0FsAb8RN6Wq2";
// And one that is not allowed.
const leaked = "AQ.Mn1Lc3Hb5Gd0FsAb8RN6Kx2pQw9Zt4Yv7Wq2";
