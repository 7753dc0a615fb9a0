// The valid key again (one call per distinct key), and two more.
const primary = "AQ.Test_valid_Hb5Gd0FsAb8RN6Kx2pQw9Zt4Yv";
const old = "AQ.Test_expired_Zt4Yv7Mn1Lc3Hb5Gd0FsAb8R";
const blocked = "AIzaTest_restricted_Mn1Lc3Hb5Gd0FsAb8RN";
const token = "ya29.a0AfB_byC8xQ2kPz7LmN4vT9rW1sY6uH3jK5dF0gE2iO8pA";
