// Package mailread reads a raw RFC 5322 message into a Mail (ids, sender,
// recipients, subject, date and the text the sender wrote) and says what
// that text is: an automatic answer (IsAutoReply), a rejection and how
// clear a one (ClassifyRejection), and which part is new rather than quote
// or signature (NewText).
//
// It is pure: no network, no database, no clock. The MIME structure,
// transfer encodings, charsets and encoded words are go-message's and
// HTML is tokenised by x/net/html; format=flowed, quote and signature
// stripping and the reading of phrases are onward's own. It does not
// fetch mail (imapbox does) nor decide what a message changes (replies
// does).
package mailread
