export { BLOG_IMAGE, blog, blogCli, blogSqliteFile, deployBlog, destroyBlog } from "./blog.js";
export { type BlogFixture, ensureBlogFixture } from "./fixture.js";
