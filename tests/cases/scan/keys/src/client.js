// An AI Studio auth key, and a key written into the URL.
const key = 'AQ.Ab8RN6Kx2pQw9Zt4Yv7Mn1Lc3Hb5Gd0FsWq2';
const url = `https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyB7h2Kp4Xq8wRz3tYc5mN1vV9bJ6uG0eLs`;
